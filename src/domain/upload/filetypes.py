"""The file types uploads may have (an allow-list), and the extensions refused outright.

A type is stored with the file and sent as Content-Type when its link is fetched, so only types a
browser shows inertly are listed. Text in any other format (HTML, SVG, XML, source code) is kept as
text/plain: a link to it can then never run script in the reader's browser.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Family(StrEnum):
    DOCUMENT = "document"
    IMAGE = "image"
    AUDIO = "audio"
    VIDEO = "video"
    TEXT = "text"


@dataclass(frozen=True, slots=True)
class FileType:
    mime: str
    family: Family
    extensions: tuple[str, ...]

    @property
    def is_text(self) -> bool:
        return self.family is Family.TEXT


D, IMG, A, V, T = Family.DOCUMENT, Family.IMAGE, Family.AUDIO, Family.VIDEO, Family.TEXT
OOXML = "application/vnd.openxmlformats-officedocument"
ODF = "application/vnd.oasis.opendocument"

ALLOWED: tuple[FileType, ...] = (
    FileType("application/pdf", D, ("pdf",)),
    FileType("application/msword", D, ("doc",)),
    FileType("application/vnd.ms-excel", D, ("xls",)),
    FileType("application/vnd.ms-powerpoint", D, ("ppt",)),
    FileType(f"{OOXML}.wordprocessingml.document", D, ("docx",)),
    FileType(f"{OOXML}.spreadsheetml.sheet", D, ("xlsx",)),
    FileType(f"{OOXML}.presentationml.presentation", D, ("pptx",)),
    FileType(f"{ODF}.text", D, ("odt",)),
    FileType(f"{ODF}.spreadsheet", D, ("ods",)),
    FileType(f"{ODF}.presentation", D, ("odp",)),
    FileType("application/epub+zip", D, ("epub",)),
    FileType("image/jpeg", IMG, ("jpg", "jpeg", "jpe", "jfif")),
    FileType("image/png", IMG, ("png",)),
    FileType("image/gif", IMG, ("gif",)),
    FileType("image/webp", IMG, ("webp",)),
    FileType("image/bmp", IMG, ("bmp",)),
    FileType("image/tiff", IMG, ("tif", "tiff")),
    FileType("image/heic", IMG, ("heic", "heif")),
    FileType("image/avif", IMG, ("avif",)),
    FileType("audio/mpeg", A, ("mp3",)),
    FileType("audio/wav", A, ("wav",)),
    FileType("audio/ogg", A, ("ogg", "oga", "opus")),
    FileType("audio/flac", A, ("flac",)),
    FileType("audio/aac", A, ("aac",)),
    FileType("audio/mp4", A, ("m4a",)),
    FileType("audio/webm", A, ("weba",)),
    FileType("audio/amr", A, ("amr",)),
    FileType("video/mp4", V, ("mp4", "m4v")),
    FileType("video/quicktime", V, ("mov",)),
    FileType("video/3gpp", V, ("3gp",)),
    FileType("video/webm", V, ("webm",)),
    FileType("video/x-matroska", V, ("mkv",)),
    FileType("video/x-msvideo", V, ("avi",)),
    FileType("video/mpeg", V, ("mpg", "mpeg")),
    FileType("text/plain", T, ("txt", "text", "log")),
    FileType("text/markdown", T, ("md", "markdown")),
    FileType("text/csv", T, ("csv",)),
    FileType("text/tab-separated-values", T, ("tsv",)),
    FileType("application/json", T, ("json",)),
    FileType("application/x-ndjson", T, ("jsonl", "ndjson")),
    FileType("application/yaml", T, ("yaml", "yml")),
    FileType("application/rtf", T, ("rtf",)),
)
BY_MIME: dict[str, FileType] = {t.mime: t for t in ALLOWED}
BY_EXTENSION: dict[str, FileType] = {ext: t for t in ALLOWED for ext in t.extensions}
PLAIN_TEXT = BY_MIME["text/plain"]

# Programs, installers, OS shell scripts and archives: refused whatever their bytes look like.
BLOCKED_EXTENSIONS = frozenset(
    {
        *("exe", "dll", "com", "scr", "msi", "msp", "sys", "drv", "ocx", "cpl", "pif", "lnk", "reg"),
        *("bat", "cmd", "ps1", "psm1", "vbs", "vbe", "wsf", "wsh", "hta", "sh", "bash", "zsh", "csh"),
        *("jar", "class", "apk", "aab", "ipa", "app", "dmg", "pkg", "deb", "rpm", "bin", "elf", "so"),
        *("dylib", "wasm", "dex"),
        *("zip", "rar", "7z", "tar", "gz", "tgz", "bz2", "xz", "zst", "cab", "iso", "img"),
    }
)
