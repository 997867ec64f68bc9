"""Full-text index wiring: the URL picks the adapter (SQLite FTS5 embedded, or Elasticsearch)."""

from __future__ import annotations

from pathlib import Path

from dependency_injector import containers, providers
from pydantic import SecretStr

from domain.common.fulltext import FullTextIndex
from infra.fulltext.elasticsearch import ElasticsearchFullTextIndex
from infra.fulltext.sqlite_fts import SqliteFullTextIndex


def build_fulltext_index(
    url: str, content_type: str, api_key: SecretStr | None, timeout_s: float
) -> FullTextIndex:
    if url.startswith(("http://", "https://")):
        return ElasticsearchFullTextIndex(
            url,
            content_type=content_type,
            api_key=api_key.get_secret_value() if api_key else None,
            request_timeout=timeout_s,
        )
    return SqliteFullTextIndex(Path(url.removeprefix("sqlite:///")))


class FullTextContainer(containers.DeclarativeContainer):
    url = providers.Dependency(instance_of=str)
    content_type = providers.Dependency(instance_of=str, default="vendor")
    api_key: providers.Dependency[SecretStr | None] = providers.Dependency(default=None)
    timeout_s = providers.Dependency(instance_of=float, default=10.0)

    index = providers.Singleton(
        build_fulltext_index, url=url, content_type=content_type, api_key=api_key, timeout_s=timeout_s
    )
