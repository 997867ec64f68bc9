"""Upload errors; each maps to one of Coze's file codes (4300-4304) or to 4200."""

from __future__ import annotations

from domain.common.errors import InvalidInput, NotFound


class EmptyUpload(InvalidInput):
    """No file part, or a file of zero bytes (4300)."""

    message_key = "upload.empty"


class TooManyFiles(InvalidInput):
    """More than one file in one upload request (4301)."""

    message_key = "upload.too_many_files"


class FileTooLarge(InvalidInput):
    """Over the upload limit; `limit` is in bytes (4302)."""

    message_key = "upload.too_large"


class UnsupportedFileType(InvalidInput):
    """Not on the allow-list: executables, archives, active content, unknown binaries (4303)."""

    message_key = "upload.unsupported_type"


class InvalidFile(InvalidInput):
    """Content that is not what its name says, a broken header, an unusable name (4304)."""

    message_key = "upload.invalid_file"


class UploadedFileNotFound(NotFound):
    """Unknown, or another user's: the two look the same (4200)."""

    message_key = "upload.not_found"


class MalformedUpload(InvalidInput):
    """The request body is not a well-formed upload (broken multipart, bad base64): 4000."""

    message_key = "upload.malformed"
