"""The organisation tree on Coze Plus's paths: /api/v1/corporation/* and /api/v1/organization/tree."""

from litestar.types import ControllerRouterHandler

from api.web.corporation import corporations, departments, employees, tree

ROUTES: list[ControllerRouterHandler] = [
    *corporations.ROUTES,
    *departments.ROUTES,
    *employees.ROUTES,
    *tree.ROUTES,
]
