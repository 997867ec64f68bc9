"""Corporations, departments and employees (the organisation tree)."""

from api.web import corporation
from bootstrap.modules.base import ContextModule, Routes

MODULE = ContextModule(
    name="corporation",
    routes=Routes(web=corporation.ROUTES),
    dependencies=lambda c: {
        "corporations": c.corporation.corporation_service,
        "departments": c.corporation.department_service,
        "employees": c.corporation.employee_service,
        "org_tree": c.corporation.tree_service,
    },
)
