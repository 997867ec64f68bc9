from __future__ import annotations

from dependency_injector import containers, providers

from infra.vectorstore.milvus import MilvusVectorStore


class VectorContainer(containers.DeclarativeContainer):
    """The vector store: milvus-lite in-process by default, a Milvus server when the URI is http(s)."""

    uri = providers.Dependency(instance_of=str)
    token = providers.Dependency(instance_of=str, default="")
    db_name = providers.Dependency(instance_of=str, default="")
    consistency = providers.Dependency(instance_of=str, default="Strong")
    timeout_s = providers.Dependency(instance_of=float, default=30.0)

    store = providers.Singleton(
        MilvusVectorStore,
        uri=uri,
        token=token,
        db_name=db_name,
        consistency=consistency,
        timeout_s=timeout_s,
    )
