"""Admin console API: /api/admin/..."""
from api.admin.events import DeadLettersController
from api.admin.settings import SettingsController

ROUTES: list[object] = [SettingsController, DeadLettersController]
