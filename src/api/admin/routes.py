from api.admin.settings import SettingsController

ROUTES: list[object] = [SettingsController]
