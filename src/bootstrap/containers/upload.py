from __future__ import annotations

from datetime import timedelta

from dependency_injector import containers, providers

from application.upload.directory import StoredFiles
from application.upload.service import UploadService
from domain.common.ports import Clock, IdGenerator, UnitOfWorkFactory
from domain.common.storage import ObjectStorage
from infra.persistence.upload import SqlUploadedFileRepository


class UploadContainer(containers.DeclarativeContainer):
    """Files users upload: the service behind the upload routes and crossdomain.upload.UploadedFiles."""

    uow: providers.Dependency[UnitOfWorkFactory] = providers.Dependency()
    ids: providers.Dependency[IdGenerator] = providers.Dependency()
    clock: providers.Dependency[Clock] = providers.Dependency()
    storage: providers.Dependency[ObjectStorage] = providers.Dependency()
    max_bytes: providers.Dependency[int] = providers.Dependency(instance_of=int)
    link_ttl_s: providers.Dependency[int] = providers.Dependency(instance_of=int)

    files = providers.Singleton(SqlUploadedFileRepository)
    upload_service = providers.Singleton(
        UploadService,
        uow=uow,
        files=files,
        storage=storage,
        ids=ids,
        clock=clock,
        max_bytes=max_bytes,
        link_ttl=providers.Factory(lambda seconds: timedelta(seconds=seconds), link_ttl_s),
    )
    uploaded_files = providers.Singleton(StoredFiles, uow=uow, files=files, service=upload_service)
