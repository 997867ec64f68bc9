"""Settings from COZEPLUS_* environment variables and an optional `.env` file."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="COZEPLUS_", env_file=".env", extra="ignore")

    host: str = "127.0.0.1"
    port: int = Field(8888, ge=1, le=65535)
    data_dir: Path = Path("data")
    database_url: str | None = None
    workers: int = Field(1, ge=1, le=64)

    log_level: Literal["debug", "info", "warning", "error"] = "info"
    log_format: Literal["json", "console"] = "json"
    access_log: bool = True

    cors_origins: list[str] = Field(default_factory=list)
    max_body_bytes: int = Field(10 * 1024 * 1024, ge=1024)
    gzip_min_bytes: int = Field(1024, ge=0)
    default_locale: Literal["en-US", "zh-CN"] = "en-US"

    worker_id: int | None = Field(None, ge=0, le=1023)
    db_pool_size: int = Field(10, ge=1, le=200)
    db_echo: bool = False

    # Full-text index: unset = embedded SQLite FTS5 under data_dir; `sqlite:///path.db` = embedded at
    # that path; `http(s)://[user:pass@]host:9200` = Elasticsearch. `plain-json` content type is for
    # ES-API-compatible servers that refuse the official client's vendor media type.
    fulltext_url: str | None = None
    fulltext_content_type: Literal["vendor", "plain-json"] = "vendor"
    fulltext_api_key: SecretStr | None = None
    fulltext_timeout_s: float = Field(10.0, gt=0, le=300)

    @field_validator("data_dir")
    @classmethod
    def _absolute(cls, value: Path) -> Path:
        # Relative paths resolve against the working directory at start-up, once.
        return value.expanduser().resolve()

    @field_validator("fulltext_url")
    @classmethod
    def _fulltext_scheme(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://", "sqlite:///")):
            raise ValueError("fulltext_url must start with http://, https:// or sqlite:///")
        return value

    @property
    def resolved_fulltext_url(self) -> str:
        return self.fulltext_url or f"sqlite:///{self.data_dir / 'fulltext' / 'fulltext.db'}"

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite+aiosqlite:///{self.data_dir / 'cozeplus.db'}"
