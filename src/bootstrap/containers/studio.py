from __future__ import annotations

from pathlib import Path

from dependency_injector import containers, providers

from api.studio import StudioFiles
from bootstrap.paths import web_dist_dir
from bootstrap.settings import Settings


def _dist(settings: Settings) -> Path:
    return settings.web_dist_dir if settings.web_dist_dir is not None else web_dist_dir()


class StudioContainer(containers.DeclarativeContainer):
    settings: providers.Dependency[Settings] = providers.Dependency()

    files = providers.Singleton(StudioFiles, dist=providers.Callable(_dist, settings))
