from litestar.types import ControllerRouterHandler

from api.admin.audit import list_audit
from api.admin.events import DeadLettersController
from api.admin.models import ModelConfigController
from api.admin.settings import SettingsController
from api.admin.users import UsersController

ROUTES: list[ControllerRouterHandler] = [
    SettingsController,
    UsersController,
    DeadLettersController,
    ModelConfigController,
    list_audit,
]
