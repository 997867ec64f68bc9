from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from dependency_injector import containers, providers
from pydantic import SecretStr

from api.objects import OBJECTS_PATH
from application.common.objects import ObjectLinks
from domain.common.ports import Clock
from domain.common.storage import LinkSigner, ObjectStorage
from infra.security.secrets import derive_key
from infra.storage.local import LocalObjectStorage
from infra.storage.s3 import S3Config, S3ObjectStorage
from infra.storage.signing import HmacLinkSigner


def link_signer(secret: SecretStr | None, server_secret: bytes) -> HmacLinkSigner:
    if secret is not None:
        return HmacLinkSigner(secret.get_secret_value().encode())
    return HmacLinkSigner(derive_key(server_secret, "storage-link"))


def object_storage(
    *,
    url: str,
    data_dir: Path,
    access_key: str | None,
    secret_key: SecretStr | None,
    signer: LinkSigner,
    public_url: str,
    clock: Clock,
) -> ObjectStorage:
    """The adapter the storage URL names (see docs/operations/storage.md)."""
    if url.startswith("s3://"):
        secret = secret_key.get_secret_value() if secret_key is not None else None
        return S3ObjectStorage(S3Config.from_url(url, access_key=access_key, secret_key=secret))
    root = data_dir / "objects" if url == "local" else Path(unquote(urlsplit(url).path))
    return LocalObjectStorage(root, signer=signer, link_base=f"{public_url}{OBJECTS_PATH}", clock=clock)


class StorageContainer(containers.DeclarativeContainer):
    """Object storage (local folder or S3) and the presigned links the app serves for it."""

    storage_url = providers.Dependency(instance_of=str)
    data_dir = providers.Dependency(instance_of=Path)
    access_key: providers.Dependency[Any] = providers.Dependency()
    secret_key: providers.Dependency[Any] = providers.Dependency()
    link_secret: providers.Dependency[Any] = providers.Dependency()
    public_url = providers.Dependency(instance_of=str)
    max_upload_bytes = providers.Dependency(instance_of=int)
    clock: providers.Dependency[Any] = providers.Dependency()

    server_secret: providers.Dependency[bytes] = providers.Dependency(instance_of=bytes)

    signer = providers.Singleton(link_signer, secret=link_secret, server_secret=server_secret)
    object_storage = providers.Singleton(
        object_storage,
        url=storage_url,
        data_dir=data_dir,
        access_key=access_key,
        secret_key=secret_key,
        signer=signer,
        public_url=public_url,
        clock=clock,
    )
    object_links = providers.Singleton(
        ObjectLinks, storage=object_storage, signer=signer, clock=clock, max_upload_bytes=max_upload_bytes
    )
