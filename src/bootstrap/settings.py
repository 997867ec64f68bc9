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

    secret_key: str | None = Field(None, min_length=32, repr=False)
    allow_registration: bool = True
    session_days: int = Field(30, ge=1, le=365)
    cookie_secure: bool = False

    worker_id: int | None = Field(None, ge=0, le=1023)
    db_pool_size: int = Field(10, ge=1, le=200)
    db_echo: bool = False

    # Object storage: `local` (a folder under data_dir), `file:///abs/path`, or
    # `s3://ACCESS:SECRET@host:port/bucket?secure=false&region=us-east-1&part_size_mb=8`.
    storage_url: str = "local"
    storage_access_key: str | None = None  # overrides the URL's, so the URL need not hold keys
    storage_secret_key: SecretStr | None = None
    storage_link_secret: SecretStr | None = None  # signs local links; made under data_dir if unset
    storage_public_url: str | None = None  # base of local links; default http://host:port
    storage_max_upload_bytes: int = Field(5 * 1024**3, ge=1)  # per upload through a local link

    @field_validator("storage_url")
    @classmethod
    def _storage_scheme(cls, value: str) -> str:
        if value != "local" and not value.startswith(("file:///", "s3://")):
            raise ValueError(
                "storage_url must be 'local', file:///path or s3://ACCESS:SECRET@host:port/bucket"
            )
        return value

    @field_validator("storage_link_secret")
    @classmethod
    def _link_secret_length(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value()) < 16:
            raise ValueError("storage_link_secret must be at least 16 characters")
        return value

    # Event bus: empty or "inprocess" = the database-backed in-process dispatcher, nats://host:port =
    # NATS JetStream (see docs/operations/eventbus.md).
    eventbus_url: str = ""
    eventbus_stream: str = Field("COZEPLUS_EVENTS", pattern=r"^[A-Za-z0-9_-]{1,64}$")
    eventbus_subject_prefix: str = Field("cozeplus.events", pattern=r"^[a-z0-9_-]+(\.[a-z0-9_-]+){0,3}$")
    eventbus_max_attempts: int = Field(5, ge=1, le=100)
    eventbus_retry_base_s: float = Field(1.0, gt=0, le=3600)
    eventbus_retry_max_s: float = Field(60.0, gt=0, le=86400)
    eventbus_ack_wait_s: float = Field(30.0, ge=1, le=3600)
    eventbus_poll_interval_s: float = Field(0.5, gt=0, le=60)
    eventbus_batch_size: int = Field(100, ge=1, le=1000)
    eventbus_retention_days: float = Field(7.0, gt=0, le=365)

    @field_validator("eventbus_url")
    @classmethod
    def _eventbus_url(cls, value: str) -> str:
        value = value.strip()
        if value in ("", "inprocess") or value.startswith(("nats://", "tls://")):
            return value
        raise ValueError("COZEPLUS_EVENTBUS_URL must be empty, 'inprocess' or a nats:// / tls:// URL")

    @property
    def eventbus_adapter(self) -> str:
        return "inprocess" if self.eventbus_url in ("", "inprocess") else "nats"

    @field_validator("data_dir")
    @classmethod
    def _absolute(cls, value: Path) -> Path:
        # Relative paths resolve against the working directory at start-up, once.
        return value.expanduser().resolve()

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite+aiosqlite:///{self.data_dir / 'cozeplus.db'}"

    @property
    def resolved_storage_public_url(self) -> str:
        if self.storage_public_url:
            return self.storage_public_url.rstrip("/")
        host = "127.0.0.1" if self.host in ("0.0.0.0", "::", "") else self.host  # noqa: S104
        return f"http://[{host}]:{self.port}" if ":" in host else f"http://{host}:{self.port}"
