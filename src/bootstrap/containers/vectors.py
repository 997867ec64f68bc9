"""Vector store wiring: the URI picks the adapter (flat store, milvus-lite, or a Milvus server)."""

from __future__ import annotations

from dependency_injector import containers, providers

from domain.common.vectors import VectorStore
from infra.vectorstore.flat import FlatVectorStore
from infra.vectorstore.milvus import Consistency, MilvusVectorStore

FLAT_SCHEME = "flat:"


def build_vector_store(
    uri: str, token: str, db_name: str, consistency: Consistency, timeout_s: float
) -> VectorStore:
    if uri.startswith(FLAT_SCHEME):
        folder = uri.removeprefix(FLAT_SCHEME)
        return FlatVectorStore(folder.removeprefix("//") if folder.startswith("///") else folder)
    return MilvusVectorStore(uri, token=token, db_name=db_name, consistency=consistency, timeout_s=timeout_s)


class VectorContainer(containers.DeclarativeContainer):
    """The vector store: the flat store in-process by default (docs/adr/0052), milvus-lite for a
    path ending in .db, a Milvus server when the URI is http(s)."""

    uri = providers.Dependency(instance_of=str)
    token = providers.Dependency(instance_of=str, default="")
    db_name = providers.Dependency(instance_of=str, default="")
    consistency = providers.Dependency(instance_of=str, default="Strong")
    timeout_s = providers.Dependency(instance_of=float, default=30.0)

    store = providers.Singleton(
        build_vector_store,
        uri=uri,
        token=token,
        db_name=db_name,
        consistency=consistency,
        timeout_s=timeout_s,
    )
