"""What a caller hands in to make documents, checked before anything is stored."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from domain.knowledge.entities import MAX_NAME
from domain.knowledge.errors import InvalidKnowledgeRequest, WrongFormat
from domain.knowledge.parsed import FormatType

MAX_DOCUMENTS_PER_CALL = 20
MAX_TEXT_CHARS = 1_000_000
MAX_URL = 2048
MAX_DOCUMENT_NAME = 255

FILE_TYPES: dict[FormatType, frozenset[str]] = {
    FormatType.TEXT: frozenset({"pdf", "docx", "md", "txt", "html", "htm"}),
    FormatType.TABLE: frozenset({"csv", "xlsx", "json"}),
    FormatType.IMAGE: frozenset({"jpg", "jpeg", "png"}),
}
_CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "md": "text/markdown",
    "txt": "text/plain",
    "html": "text/html",
    "htm": "text/html",
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
}


def content_type(file_type: str) -> str:
    return _CONTENT_TYPES.get(file_type, "application/octet-stream")


def file_type_of(name: str, declared: str | None = None) -> str:
    """The extension the document is parsed as: the declared type, else the name's suffix."""
    kind = (declared or "").strip().lower().lstrip(".")
    if not kind and "." in name:
        kind = name.rsplit(".", 1)[1].lower()
    return kind


def checked_type(format: FormatType, file_type: str) -> str:
    allowed = FILE_TYPES[format]
    if file_type not in allowed:
        raise WrongFormat(
            detail=f"a {format.name.lower()} knowledge base takes {', '.join(sorted(allowed))} files, "
            f"not {file_type or 'files without a type'!r}"
        )
    return file_type


def checked_name(name: str) -> str:
    name = (name or "").strip()
    if not name or len(name) > MAX_DOCUMENT_NAME:
        raise InvalidKnowledgeRequest(detail=f"a document name must be 1..{MAX_DOCUMENT_NAME} characters")
    return name


@dataclass(frozen=True, slots=True)
class FileInput:
    """Bytes sent with the request (the token API's base64 file)."""

    name: str
    data: bytes
    file_type: str | None = None
    caption: str = ""  # image documents


@dataclass(frozen=True, slots=True)
class UploadInput:
    """A file the caller uploaded before (the upload context's id)."""

    file_id: int
    name: str = ""
    file_type: str | None = None
    caption: str = ""  # image documents


@dataclass(frozen=True, slots=True)
class TextInput:
    name: str
    text: str


@dataclass(frozen=True, slots=True)
class WebInput:
    url: str
    name: str = ""


@dataclass(frozen=True, slots=True)
class ReviewedInput:
    """A document reviewed before (review/create): its bytes and its slices as last saved."""

    review_id: int
    name: str = ""


DocumentInput = FileInput | UploadInput | TextInput | WebInput | ReviewedInput


def checked_url(url: str) -> str:
    """Shape only; where it may go is decided by the guarded client when the job fetches it."""
    url = (url or "").strip()
    parts = urlsplit(url)
    if len(url) > MAX_URL or parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidKnowledgeRequest(detail="a web page must be an http(s) URL of at most 2048 characters")
    return url


def default_web_name(url: str) -> str:
    parts = urlsplit(url)
    return ((parts.hostname or "") + parts.path)[:MAX_NAME] or "web page"
