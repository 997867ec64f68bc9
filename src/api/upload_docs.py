"""What idl/ says of the upload bodies. The upload handlers stream the body themselves (api.upload_body)
instead of declaring a `data` parameter, so Litestar knows no request body for them: these operation
classes state it."""

from __future__ import annotations

from dataclasses import dataclass

from litestar.openapi.spec import OpenAPIFormat, OpenAPIMediaType, OpenAPIType, Operation, RequestBody, Schema

from api.upload_body import FILE_FIELD

_MULTIPART = OpenAPIMediaType(
    schema=Schema(
        type=OpenAPIType.OBJECT,
        required=[FILE_FIELD],
        properties={FILE_FIELD: Schema(type=OpenAPIType.STRING, format=OpenAPIFormat.BINARY)},
        description=f"one file, in the part named {FILE_FIELD}",
    )
)
_BASE64_JSON = OpenAPIMediaType(
    schema=Schema(
        type=OpenAPIType.OBJECT,
        required=["data"],
        additional_properties=False,
        properties={
            "data": Schema(type=OpenAPIType.STRING, content_encoding="base64", description="the file"),
            "file_head": Schema(
                type=OpenAPIType.OBJECT,
                additional_properties=False,
                properties={
                    "file_type": Schema(type=OpenAPIType.STRING, description="extension, without the dot"),
                    "biz_type": Schema(type=OpenAPIType.INTEGER),
                },
            ),
        },
    )
)


@dataclass
class MultipartUpload(Operation):
    """An upload as multipart/form-data (the token API's /v1/files/upload)."""

    def __post_init__(self) -> None:
        self.request_body = RequestBody(required=True, content={"multipart/form-data": _MULTIPART})


@dataclass
class SpaUpload(Operation):
    """Coze Studio's upload: base64 in JSON, or multipart/form-data."""

    def __post_init__(self) -> None:
        self.request_body = RequestBody(
            required=True, content={"application/json": _BASE64_JSON, "multipart/form-data": _MULTIPART}
        )
