"""API codes and messages of the upload context: Coze's file codes 4300-4304 (docs/adr/0022)."""

from __future__ import annotations

from api.errors import ErrorSpec
from domain.common.errors import DomainError
from domain.upload.errors import (
    EmptyUpload,
    FileTooLarge,
    InvalidFile,
    MalformedUpload,
    TooManyFiles,
    UnsupportedFileType,
    UploadedFileNotFound,
)

ERRORS: dict[type[DomainError], ErrorSpec] = {
    EmptyUpload: ErrorSpec(400, 4300),
    TooManyFiles: ErrorSpec(400, 4301),
    FileTooLarge: ErrorSpec(413, 4302),
    UnsupportedFileType: ErrorSpec(415, 4303),
    InvalidFile: ErrorSpec(400, 4304),
    UploadedFileNotFound: ErrorSpec(404, 4200),
    MalformedUpload: ErrorSpec(400, 4000),
}

MESSAGES: dict[str, dict[str, str]] = {
    "upload.empty": {"en-US": "no file uploaded: {reason}", "zh-CN": "没有上传文件：{reason}"},
    "upload.too_many_files": {
        "en-US": "upload one file per request (a single part named file)",
        "zh-CN": "每次请求只能上传一个文件（一个名为 file 的部分）",
    },
    "upload.too_large": {
        "en-US": "the file is larger than the limit of {limit} bytes",
        "zh-CN": "文件超过大小上限 {limit} 字节",
    },
    "upload.unsupported_type": {
        "en-US": "file type not supported: {reason}",
        "zh-CN": "不支持的文件类型：{reason}",
    },
    "upload.invalid_file": {"en-US": "invalid file: {reason}", "zh-CN": "文件无效：{reason}"},
    "upload.not_found": {"en-US": "file not found", "zh-CN": "文件不存在"},
    "upload.malformed": {
        "en-US": "malformed upload: {reason}",
        "zh-CN": "上传请求格式错误：{reason}",
    },
}
