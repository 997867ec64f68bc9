"""The policy engine on pycasbin: an RBAC-with-domains model, loaded from a snapshot of our tables.

The model follows Coze Plus (`r = sub, dom, obj, act`, `p = sub, dom, obj, act, eft`,
`g = _, _, _`, deny wins) with one extra request field, `roles`: the roles a user holds implicitly
(super_admin from the superuser flag, space_* from space membership), which are never stored as
grouping rules. Objects are `<resource>:<id>` matched with keyMatch (`agent:*` covers every agent);
keyMatch2 would read `:42` as a path parameter and let `agent:42` match any agent.
"""

from __future__ import annotations

import casbin
from casbin import persist
from casbin.model import Model

from domain.permission.ports import PolicyDecider, PolicySnapshot

MODEL = """
[request_definition]
r = sub, dom, obj, act, roles

[policy_definition]
p = sub, dom, obj, act, eft

[role_definition]
g = _, _, _

[policy_effect]
e = some(where (p.eft == allow)) && !some(where (p.eft == deny))

[matchers]
m = keyMatch(r.obj, p.obj) && (r.act == p.act || p.act == "*") && keyMatch(r.dom, p.dom) \
&& (p.sub in r.roles || g(r.sub, p.sub, r.dom) || g(r.sub, p.sub, "global"))
"""
# The cheap comparisons come first: pycasbin evaluates the matcher once per policy line, and a
# failed object or action test skips the role-manager lookups.


class SnapshotAdapter(persist.Adapter):
    """A read-only casbin adapter over rows already read from our database (reads are async, casbin's
    adapter interface is not). Writes go through the permission repositories, never through casbin."""

    def __init__(self, snapshot: PolicySnapshot) -> None:
        self._snapshot = snapshot

    def load_policy(self, model: Model) -> None:
        # Appended directly, as casbin's own file adapter does: Model.add_policy first scans the list
        # for a duplicate, which is quadratic (seconds for 10k grants). Our rows are unique already.
        model.model["p"]["p"].policy.extend(
            [p.subject, p.domain, p.obj, p.action, p.effect] for p in self._snapshot.policies
        )
        model.model["g"]["g"].policy.extend([g.user, g.role, g.domain] for g in self._snapshot.groupings)


class CasbinDecider:
    def __init__(self, enforcer: casbin.Enforcer) -> None:
        self._enforcer = enforcer

    def allowed(self, user: str, derived_roles: tuple[str, ...], domain: str, obj: str, action: str) -> bool:
        return bool(self._enforcer.enforce(user, domain, obj, action, derived_roles))


class CasbinPolicyEngine:
    name = "casbin"

    def build(self, snapshot: PolicySnapshot) -> PolicyDecider:
        model = casbin.Enforcer.new_model(text=MODEL)
        enforcer = casbin.Enforcer(model, SnapshotAdapter(snapshot), enable_log=False)
        return CasbinDecider(enforcer)
