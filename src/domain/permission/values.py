"""The vocabulary of permissions: domains, resources, actions, effects and the template catalogue."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from crossdomain.permission import Action, ResourceKind
from domain.permission.errors import InvalidDomain, InvalidPermission, InvalidRole

GLOBAL = "global"
_SPACE_DOMAIN = re.compile(r"^space:([1-9][0-9]{0,18})$")
_ROLE_CODE = re.compile(r"^[a-z][a-z0-9_]{1,47}$")
_OBJECT_ID = re.compile(r"^(\*|[1-9][0-9]{0,18})$")
MAX_ENTRIES = 200


class Effect(StrEnum):
    ALLOW = "allow"
    DENY = "deny"


class DomainKind(StrEnum):
    """Where a role can be granted: the whole platform, or one space at a time."""

    GLOBAL = "global"
    SPACE = "space"


@dataclass(frozen=True, slots=True)
class ResourceSpec:
    resource: str
    name: str
    actions: tuple[Action, ...]
    kinds: tuple[DomainKind, ...]


_CONTENT = (Action.CREATE, Action.READ, Action.UPDATE, Action.DELETE)
_BOTH = (DomainKind.GLOBAL, DomainKind.SPACE)

# The catalogue a role editor shows: what custom roles may contain. System resources that only
# super_admin's wildcard reaches (permission, admin) are deliberately absent, so no custom role can
# hand out the right to edit roles or use the admin console.
CATALOGUE: tuple[ResourceSpec, ...] = (
    ResourceSpec("agent", "Agents", (*_CONTENT, Action.EXECUTE, Action.PUBLISH), _BOTH),
    ResourceSpec("workflow", "Workflows", (*_CONTENT, Action.EXECUTE, Action.PUBLISH), _BOTH),
    ResourceSpec("knowledge", "Knowledge bases", _CONTENT, _BOTH),
    ResourceSpec("plugin", "Plugins", (*_CONTENT, Action.EXECUTE, Action.PUBLISH), _BOTH),
    ResourceSpec("database", "Databases", _CONTENT, _BOTH),
    ResourceSpec("file", "Files", _CONTENT, _BOTH),
    ResourceSpec("prompt", "Prompts", _CONTENT, _BOTH),
    ResourceSpec(
        "space", "Space settings", (Action.READ, Action.UPDATE, Action.DELETE, Action.MANAGE), _BOTH
    ),
    ResourceSpec("member", "Space members", _CONTENT, _BOTH),
    ResourceSpec("model", "Models", (Action.READ, Action.EXECUTE, Action.MANAGE), (DomainKind.GLOBAL,)),
    # The organisation tree (corporations, departments, employees) is platform-wide, so a custom
    # global role can delegate its upkeep to HR without making anyone a super admin.
    ResourceSpec("organization", "Organisation", (Action.READ, Action.MANAGE), (DomainKind.GLOBAL,)),
)
RESOURCES = {spec.resource: spec for spec in CATALOGUE}
# Checked by application code but never grantable through custom roles.
SYSTEM_RESOURCES = frozenset({ResourceKind.PERMISSION.value, ResourceKind.ADMIN.value})


def checked_role_code(code: str) -> str:
    if not isinstance(code, str) or not _ROLE_CODE.match(code):
        raise InvalidRole(detail="code: 2-48 characters a-z, 0-9, _ starting with a letter")
    return code


def checked_role_name(name: str) -> str:
    cleaned = (name or "").strip()
    if not 1 <= len(cleaned) <= 64 or any(ord(c) < 32 for c in cleaned):
        raise InvalidRole(detail="name: 1-64 printable characters")
    return cleaned


def checked_domain(domain: str) -> str:
    """'global' or 'space:<id>' exactly; anything else (wildcards included) is refused."""
    if domain == GLOBAL or (isinstance(domain, str) and _SPACE_DOMAIN.match(domain)):
        return domain
    raise InvalidDomain(domain=str(domain)[:40])


def kind_of(domain: str) -> DomainKind:
    return DomainKind.GLOBAL if checked_domain(domain) == GLOBAL else DomainKind.SPACE


def checked_object(obj: str) -> str:
    """An object asked about: '<resource>:<id>' or '<resource>:*' (a whole kind, e.g. 'create')."""
    resource, sep, object_id = (obj or "").partition(":")
    if not sep or not resource.isidentifier() or not _OBJECT_ID.match(object_id):
        raise InvalidPermission(detail=f"object {str(obj)[:40]!r}")
    return obj


def checked_entry(resource: str, action: str, object_id: str, kind: DomainKind) -> None:
    spec = RESOURCES.get(resource)
    if spec is None or kind not in spec.kinds:
        raise InvalidPermission(detail=f"resource {resource[:40]!r} in a {kind.value} role")
    if action != "*" and action not in spec.actions:
        raise InvalidPermission(detail=f"action {action[:40]!r} on {resource}")
    if not _OBJECT_ID.match(object_id):
        raise InvalidPermission(detail=f"object id {object_id[:40]!r}")
