"""Settings from COZEPLUS_* environment variables and an optional `.env` file."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, field_validator, model_validator
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
    # The built studio web app (index.html + assets/); unset: the checkout's web/dist (`make web`).
    web_dist_dir: Path | None = None

    secret_key: str | None = Field(None, min_length=32, repr=False)
    allow_registration: bool = True
    session_days: int = Field(30, ge=1, le=365)
    cookie_secure: bool = False
    # argon2id for account passwords: OWASP's minimum profile by default. The test suite lowers it
    # (thousands of sign-ups); a deployment has no reason to.
    password_hash_time_cost: int = Field(2, ge=1, le=20)
    password_hash_memory_kib: int = Field(19 * 1024, ge=1024, le=4 * 1024 * 1024)
    rate_limit_token_per_min: int = Field(600, ge=0)  # 0 turns the limit off
    rate_limit_user_per_min: int = Field(1200, ge=0)
    # Bearer auth is remembered per process for at most this many seconds; revocations and disabled
    # accounts reach other processes through the event bus sooner (docs/adr/0029). 0: no cache.
    token_auth_cache_ttl_s: float = Field(5.0, ge=0, le=60)
    # Permission checks are answered from a per-process cache of roles and grants, dropped on every
    # policy change (event bus) and at the latest after this many seconds (docs/adr/0017).
    permission_cache_max_age_s: float = Field(60.0, gt=0, le=86_400)
    permission_cache_size: int = Field(10_000, ge=100, le=1_000_000)  # memoised decisions per process

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
    # The studio's address as users' browsers reach it: OAuth providers send users back under it.
    public_url: str | None = None  # default http://host:port
    storage_max_upload_bytes: int = Field(5 * 1024**3, ge=1)  # per upload through a local link
    # Files users upload (/v1/files/upload, /api/bot/upload_file): the limit per file, checked while
    # the body streams (those routes are exempt from max_body_bytes), and how long links last.
    upload_max_bytes: int = Field(100 * 1024**2, ge=1024)
    upload_link_ttl_s: int = Field(3600, ge=60, le=7 * 86400)

    @field_validator("storage_url")
    @classmethod
    def _storage_scheme(cls, value: str) -> str:
        if value != "local" and not value.startswith(("file:///", "s3://")):
            raise ValueError(
                "storage_url must be 'local', file:///path or s3://ACCESS:SECRET@host:port/bucket"
            )
        return value

    @model_validator(mode="after")
    def _upload_fits_storage(self) -> Settings:
        # One ceiling for bytes arriving in one request: no route may take more than storage does.
        if self.upload_max_bytes > self.storage_max_upload_bytes:
            raise ValueError("upload_max_bytes must not exceed storage_max_upload_bytes")
        return self

    @field_validator("storage_link_secret")
    @classmethod
    def _link_secret_length(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value()) < 16:
            raise ValueError("storage_link_secret must be at least 16 characters")
        return value

    # NATS: one shared connection per process for every NATS-backed port.
    nats_url: str | None = None
    # "" (NATS when nats_url is set, else in-process) | "inprocess" | "nats" | "nats://host:4222"
    runstream_url: str = ""
    runstream_ttl_s: float = Field(3600.0, gt=0, le=30 * 86400)
    runstream_max_events: int = Field(10_000, ge=10, le=1_000_000)
    runstream_stream: str = Field("COZEPLUS_RUNS", pattern=r"^[A-Za-z0-9_-]{1,64}$")
    runstream_subject_prefix: str = Field("cozeplus.runs", pattern=r"^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$")
    kv_url: str = ""
    kv_max_ttl_s: float = Field(86_400.0, gt=0, le=30 * 86400)
    kv_bucket: str = Field("cozeplus", pattern=r"^[A-Za-z0-9_-]{1,64}$")
    nats_replicas: int = Field(1, ge=1, le=5)
    # One request to NATS on the request path; past it the breaker opens (docs/adr/0034).
    nats_timeout_s: float = Field(1.0, gt=0, le=30)

    # Full-text index: unset = embedded SQLite FTS5 under data_dir; `sqlite:///path.db` = embedded at
    # that path; `http(s)://[user:pass@]host:9200` = Elasticsearch. `plain-json` content type is for
    # ES-API-compatible servers that refuse the official client's vendor media type.
    fulltext_url: str | None = None
    fulltext_content_type: Literal["vendor", "plain-json"] = "vendor"
    fulltext_api_key: SecretStr | None = None
    fulltext_timeout_s: float = Field(10.0, gt=0, le=300)

    # Outbound HTTP to user-supplied URLs (web pages, plugins, HTTP nodes): public addresses on these
    # ports only; networks listed here (CIDR, e.g. an intranet API's "10.20.0.0/16") are allowed too.
    outbound_allow_networks: list[str] = Field(default_factory=list)
    outbound_ports: list[int] = Field(default_factory=lambda: [80, 443])
    outbound_timeout_s: float = Field(15.0, gt=0, le=600)
    outbound_max_bytes: int = Field(20 * 1024**2, ge=1024)
    # Knowledge: what one document may be (docs/adr/0054-knowledge-bases.md).
    knowledge_max_file_bytes: int = Field(100 * 1024**2, ge=1024)
    knowledge_max_pages: int = Field(2000, ge=1, le=100_000)
    knowledge_max_rows: int = Field(100_000, ge=1, le=10_000_000)

    # Event bus: "" (NATS when nats_url is set, else in-process) | "inprocess" | "nats" | "nats://host:4222";
    # in-process keeps pending deliveries in the database (see docs/operations/eventbus.md).
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

    # Vector store: unset = the flat store in-process under data_dir/vectors (exact numpy search,
    # docs/adr/0052); `flat:/path` = the flat store in that folder; a path ending in .db opens
    # milvus-lite in-process; http(s)://host:19530 talks to a Milvus server over gRPC.
    vector_uri: str | None = None
    vector_token: str = ""  # "user:password" or an API key for a server with authentication
    vector_db_name: str = ""  # Milvus database; empty means the server's default
    vector_consistency: Literal["Strong", "Bounded", "Session", "Eventually"] = "Strong"
    vector_timeout_s: float = Field(30.0, gt=0, le=600)

    # Chats (docs/adr/0024): conversation titles from the model after the first turn ("auto" skips
    # the built-in offline models), how long a chat waits for client tool outputs, and how long it
    # waits for its knowledge search before answering without knowledge (docs/adr/0055).
    chat_titles: Literal["auto", "always", "off"] = "auto"
    chat_tool_wait_s: float = Field(600.0, gt=0, le=86_400)
    chat_knowledge_timeout_s: float = Field(30.0, gt=0, le=600)

    # Models: API keys at rest are sealed with AES-256-GCM under a key derived from model_secret_key,
    # else from the server secret (COZEPLUS_SECRET_KEY or data_dir/secret_key). Rotation: set the new
    # key, list the old ones in model_previous_secret_keys, run `cozeplus models reseal`.
    model_secret_key: SecretStr | None = None
    model_previous_secret_keys: list[SecretStr] = Field(default_factory=list)
    model_refresh_s: float = Field(5.0, ge=0, le=300)  # how stale another process's view may be
    model_retry_base_s: float = Field(0.5, ge=0, le=30)  # first backoff step; doubles per retry
    model_slot_wait_s: float = Field(60.0, gt=0, le=600)  # wait for a free slot of a busy model
    model_hash_dimension: int = Field(256, ge=8, le=8192)  # builtin-hash vector length at first start
    # Read once, at first start with an empty model table (the usual names, without our prefix).
    openai_api_key: SecretStr | None = Field(
        None, validation_alias=AliasChoices("openai_api_key", "COZEPLUS_OPENAI_API_KEY", "OPENAI_API_KEY")
    )
    openai_base_url: str | None = Field(
        None, validation_alias=AliasChoices("openai_base_url", "COZEPLUS_OPENAI_BASE_URL", "OPENAI_BASE_URL")
    )
    openai_model: str | None = Field(
        None, validation_alias=AliasChoices("openai_model", "COZEPLUS_OPENAI_MODEL", "OPENAI_MODEL")
    )

    @field_validator("model_secret_key")
    @classmethod
    def _model_key_length(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value()) < 16:
            raise ValueError("model_secret_key must be at least 16 characters")
        return value

    @field_validator("data_dir")
    @classmethod
    def _absolute(cls, value: Path) -> Path:
        # Relative paths resolve against the working directory at start-up, once.
        return value.expanduser().resolve()

    @model_validator(mode="after")
    def _one_nats_server(self) -> Settings:
        # Every port's NATS URL must name the same server: the process keeps one shared connection.
        named = (
            self.nats_url,
            _nats_server(self.runstream_url),
            _nats_server(self.kv_url),
            _nats_server(self.eventbus_url),
        )
        urls = {url for url in named if url}
        if len(urls) > 1:
            raise ValueError(
                f"NATS-backed ports name different servers {sorted(urls)}; set COZEPLUS_NATS_URL"
            )
        for field_name in ("runstream_url", "kv_url", "eventbus_url"):
            if _adapter_choice(getattr(self, field_name)) is None:
                raise ValueError(f"{field_name} must be empty, 'inprocess', 'nats' or a nats:// URL")
        if not urls and "nats" in (self.runstream_adapter, self.kv_adapter, self.eventbus_adapter):
            raise ValueError("a port is set to 'nats' but no NATS server is configured (COZEPLUS_NATS_URL)")
        return self

    @property
    def resolved_nats_url(self) -> str | None:
        """The one NATS server this process connects to, or None when nothing uses NATS."""
        for candidate in (
            self.nats_url,
            _nats_server(self.runstream_url),
            _nats_server(self.kv_url),
            _nats_server(self.eventbus_url),
        ):
            if candidate:
                return candidate
        return None

    @property
    def nats_ports(self) -> list[str]:
        """The ports wired to NATS; the shared connection is started only when this is not empty."""
        return [
            port
            for port, adapter in (
                ("runstream", self.runstream_adapter),
                ("kv", self.kv_adapter),
                ("eventbus", self.eventbus_adapter),
            )
            if adapter == "nats"
        ]

    @property
    def runstream_adapter(self) -> Literal["inprocess", "nats"]:
        return self._adapter_for(self.runstream_url)

    @property
    def kv_adapter(self) -> Literal["inprocess", "nats"]:
        return self._adapter_for(self.kv_url)

    @property
    def eventbus_adapter(self) -> Literal["inprocess", "nats"]:
        return self._adapter_for(self.eventbus_url)

    def _adapter_for(self, url: str) -> Literal["inprocess", "nats"]:
        if not url:  # unset: follow COZEPLUS_NATS_URL, the production switch for every NATS-backed port
            return "nats" if self.nats_url else "inprocess"
        return _adapter_choice(url) or "inprocess"

    @field_validator("fulltext_url")
    @classmethod
    def _fulltext_scheme(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://", "sqlite:///")):
            raise ValueError("fulltext_url must start with http://, https:// or sqlite:///")
        return value

    @property
    def resolved_fulltext_url(self) -> str:
        return self.fulltext_url or f"sqlite:///{self.data_dir / 'fulltext' / 'fulltext.db'}"

    @field_validator("vector_uri")
    @classmethod
    def _vector_uri(cls, value: str | None) -> str | None:
        if (
            value
            and not value.startswith(("http://", "https://", "tcp://", "unix:", "flat:"))
            and not value.endswith(".db")
        ):
            raise ValueError(
                "use http(s)://host:port for a Milvus server, flat:/folder for the built-in store "
                "or a path ending in .db for milvus-lite"
            )
        return value

    @property
    def resolved_vector_uri(self) -> str:
        return self.vector_uri or f"flat:{self.data_dir / 'vectors'}"

    @property
    def oauth_redirect_uri(self) -> str:
        """Where plugins' OAuth providers send users back after their consent."""
        return f"{self.resolved_public_url}/api/oauth/authorization_code"

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite+aiosqlite:///{self.data_dir / 'cozeplus.db'}"

    @property
    def resolved_storage_public_url(self) -> str:
        if self.storage_public_url:
            return self.storage_public_url.rstrip("/")
        return self.resolved_public_url

    @property
    def resolved_public_url(self) -> str:
        if self.public_url:
            return self.public_url.rstrip("/")
        host = "127.0.0.1" if self.host in ("0.0.0.0", "::", "") else self.host  # noqa: S104
        return f"http://[{host}]:{self.port}" if ":" in host else f"http://{host}:{self.port}"


def _nats_server(url: str) -> str | None:
    return url if url.startswith(("nats://", "tls://")) else None


def _adapter_choice(url: str) -> Literal["inprocess", "nats"] | None:
    """The adapter an explicit port URL selects; None when the value is not understood."""
    if url in ("", "inprocess"):
        return "inprocess"
    if url == "nats" or _nats_server(url):
        return "nats"
    return None
