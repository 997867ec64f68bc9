from litestar.types import ControllerRouterHandler

from api.admin.settings import SettingsController

ROUTES: list[ControllerRouterHandler] = [SettingsController]
