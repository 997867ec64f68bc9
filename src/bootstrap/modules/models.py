"""Model management and the model runtime every chat calls."""

from api import model_errors
from api.admin.models import ModelConfigController
from api.web import models
from bootstrap.modules.base import ContextModule, Routes
from crossdomain.modelmgr import ChatModelCatalog

MODULE = ContextModule(
    name="models",
    routes=Routes(web=models.ROUTES, admin=[ModelConfigController]),
    errors=model_errors.ERRORS,
    messages=model_errors.MESSAGES,
    dependencies=lambda c: {
        "model_admin": c.models.admin_service,
        "model_catalog": c.models.catalog,
    },
    health_checks=lambda c: [c.models.health()],
    # It needs the database only, and registers the first models once.
    resources=lambda c: [c.models.seeding()],
    crossdomain=lambda c: {ChatModelCatalog: c.models.chat_models},
)
