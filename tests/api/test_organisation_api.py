"""The organisation tree through the HTTP API, on SQLite and MariaDB."""

from __future__ import annotations

from typing import Any

from litestar.testing import AsyncTestClient

from bootstrap.settings import Settings
from tests.support.identity import create_user, sign_in

CORP = "/api/v1/corporation"
DEPT = f"{CORP}/department"
STAFF = f"{CORP}/employee"
TREE = "/api/v1/organization/tree"


async def ok(response: Any) -> Any:
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["code"] == 0 and body["msg"] == ""
    return body.get("data")  # bare acknowledgements carry no data


async def test_corporations_departments_and_the_tree(client: AsyncTestClient, settings: Settings) -> None:  # type: ignore[type-arg]
    group = await ok(await client.post(f"{CORP}/create", json={"name": "Acme", "corp_type": 1}))
    assert isinstance(group["id"], str) and group["corp_type"] == 1 and group["corp_source"] == 4
    assert group["parent_id"] is None and group["created_at"].isdigit()
    company = await ok(
        await client.post(
            f"{CORP}/create", json={"name": "Acme CN", "corp_type": 2, "parent_id": group["id"]}
        )
    )
    assert company["parent_id"] == group["id"]
    assert (await ok(await client.get(f"{CORP}/{company['id']}")))["name"] == "Acme CN"

    # a cycle, a group under a company, a missing parent
    cycle = await client.put(f"{CORP}/{group['id']}", json={"parent_id": company["id"]})
    assert cycle.status_code == 400 and cycle.json()["code"] == 4000
    nesting = await client.post(
        f"{CORP}/create", json={"name": "G", "corp_type": 1, "parent_id": company["id"]}
    )
    assert nesting.status_code == 400 and "group" in nesting.json()["msg"]
    orphan = await client.post(f"{CORP}/create", json={"name": "O", "parent_id": "123456789"})
    assert orphan.status_code == 404 and orphan.json()["code"] == 4200

    rnd = await ok(await client.post(f"{DEPT}/create", json={"name": "R&D", "corp_id": company["id"]}))
    lab = await ok(
        await client.post(
            f"{DEPT}/create",
            json={"name": "Lab", "corp_id": company["id"], "parent_id": rnd["id"], "code": "LAB-1"},
        )
    )
    assert lab["full_path"] == "R&D/Lab" and lab["level"] == 2 and lab["corp_id"] == company["id"]
    ops = await ok(await client.post(f"{DEPT}/create", json={"name": "Ops", "corp_id": company["id"]}))
    elsewhere = await client.post(
        f"{DEPT}/create", json={"name": "X", "corp_id": group["id"], "parent_id": rnd["id"]}
    )
    assert elsewhere.status_code == 400
    assert (await client.put(f"{DEPT}/{rnd['id']}", json={"parent_id": lab["id"]})).status_code == 400

    await ok(
        await client.post(
            f"{DEPT}/sort",
            json={"parent_id": company["id"], "department_ids": [{"id": ops["id"]}, {"id": rnd["id"]}]},
        )
    )
    listed = await client.post(f"{DEPT}/list", json={"corp_id": company["id"], "page_size": 10})
    body = listed.json()
    assert sorted(d["name"] for d in body["data"]) == ["Lab", "Ops", "R&D"] and body["total"] == "3"
    under = (
        await client.post(f"{DEPT}/list", json={"corp_id": company["id"], "parent_id": rnd["id"]})
    ).json()
    assert [d["name"] for d in under["data"]] == ["Lab"] and under["has_more"] is False

    ann = await ok(
        await client.post(
            f"{STAFF}/create",
            json={
                "name": "Ann",
                "employee_no": "e-01",
                "mobile": "+86 138 0000 0000",
                "email": "ann@example.com",
                "position": "Engineer",
                "department_ids": [
                    {"department_id": lab["id"], "is_primary": True},
                    {"department_id": ops["id"]},
                ],
            },
        )
    )
    assert ann["employee_no"] == "E-01" and ann["status"] == 1
    assert [d["department_path"] for d in ann["departments"]] == ["R&D/Lab", "Ops"]

    tree = await ok(await client.get(TREE))
    [root] = tree
    assert root["node_type"] == "corp" and root["employee_count"] == 1 and root["direct_employee_count"] == 0
    [cn] = root["children"]
    assert [n["name"] for n in cn["children"]] == ["Ops", "R&D"]
    assert cn["children"][1]["employee_count"] == 1 and cn["children"][1]["children"][0]["tree_path"] == (
        "Acme/Acme CN/R&D/Lab"
    )
    posted = await ok(await client.post(TREE, json={"corp_id": company["id"], "include_departments": False}))
    assert posted[0]["id"] == company["id"] and posted[0]["children"] == []
    dept_tree = await ok(await client.post(f"{DEPT}/tree", json={"corp_id": company["id"]}))
    assert [n["dept_id"] for n in dept_tree] == [ops["id"], rnd["id"]]

    # nothing is deleted while it holds something
    refused = await client.delete(f"{CORP}/{company['id']}")
    assert refused.status_code == 409 and refused.json()["code"] == 4090
    assert (await client.delete(f"{DEPT}/{lab['id']}")).status_code == 409
    await ok(await client.delete(f"{STAFF}/{ann['id']}"))
    for node in (
        f"{DEPT}/{lab['id']}",
        f"{DEPT}/{rnd['id']}",
        f"{DEPT}/{ops['id']}",
        f"{CORP}/{company['id']}",
    ):
        await ok(await client.delete(node))
    assert (await client.get(f"{CORP}/{company['id']}")).status_code == 404

    # every change is in the audit log
    audit = await ok(await client.get("/api/admin/audit/list", params={"size": 100}))
    seen = {e["action"] for e in audit["items"]}
    assert {
        "corporation.create",
        "corporation.delete",
        "corporation.department.create",
        "corporation.department.sort",
        "corporation.department.delete",
        "corporation.employee.create",
        "corporation.employee.delete",
    } <= seen


async def test_employees_resign_restore_move_and_filters(client: AsyncTestClient, settings: Settings) -> None:  # type: ignore[type-arg]
    linked = await create_user(settings)
    corp = await ok(await client.post(f"{CORP}/create", json={"name": "Acme"}))
    other = await ok(await client.post(f"{CORP}/create", json={"name": "Other"}))
    rnd = await ok(await client.post(f"{DEPT}/create", json={"name": "R&D", "corp_id": corp["id"]}))
    sub = await ok(
        await client.post(
            f"{DEPT}/create", json={"name": "Lab", "corp_id": corp["id"], "parent_id": rnd["id"]}
        )
    )
    far = await ok(await client.post(f"{DEPT}/create", json={"name": "Far", "corp_id": other["id"]}))

    def person(name: str, dept: str, **extra: Any) -> dict[str, Any]:
        return {"name": name, "department_ids": [{"department_id": dept}], **extra}

    ann = await ok(
        await client.post(
            f"{STAFF}/create", json=person("Ann", rnd["id"], user_id=str(linked["id"]), employee_no="A1")
        )
    )
    assert ann["user_id"] == str(linked["id"])
    bob = await ok(await client.post(f"{STAFF}/create", json=person("Bob", sub["id"], mobile="555-0101")))
    taken = await client.post(f"{STAFF}/create", json=person("Cat", rnd["id"], employee_no="a1"))
    assert taken.status_code == 409 and "A1" in taken.json()["msg"]
    twice = await client.post(f"{STAFF}/create", json=person("Cat", rnd["id"], user_id=str(linked["id"])))
    assert twice.status_code == 409
    ghost = await client.post(f"{STAFF}/create", json=person("Cat", rnd["id"], user_id="987654321"))
    assert ghost.status_code == 404 and ghost.json()["code"] == 4200
    no_primary = await client.post(
        f"{STAFF}/create",
        json={"name": "Cat", "department_ids": [{"department_id": rnd["id"]}, {"department_id": sub["id"]}]},
    )
    assert no_primary.status_code == 400

    async def names(**filters: Any) -> list[str]:
        body = (await client.post(f"{STAFF}/list", json=filters)).json()
        assert body["code"] == 0, body
        return [e["name"] for e in body["data"]]

    assert await names(corp_id=corp["id"]) == ["Ann", "Bob"]
    assert await names(department_id=rnd["id"]) == ["Ann"]
    assert await names(department_id=rnd["id"], include_sub_departments=True) == ["Ann", "Bob"]
    assert await names(keyword="0101") == ["Bob"]
    assert await names(keyword="%") == []  # wildcards are matched literally
    assert await names(corp_id=corp["id"], page=2, page_size=1) == ["Bob"]

    gone = await ok(await client.put(f"{STAFF}/{bob['id']}/resign", json={"reason": "moved away"}))
    assert gone["status"] == 2 and gone["departments"] == [] and gone["resign_reason"] == "moved away"
    assert (await client.put(f"{STAFF}/{bob['id']}/resign", json={})).status_code == 409
    assert await names(status=2) == ["Bob"]
    assert (
        await client.put(
            f"{STAFF}/{bob['id']}/department", json={"departments": [{"department_id": rnd["id"]}]}
        )
    ).status_code == 409
    back = await ok(
        await client.put(f"{STAFF}/{bob['id']}/restore", json={"departments": [{"department_id": far["id"]}]})
    )
    assert (
        back["status"] == 1
        and back["corp_id"] == other["id"]
        and back["departments"][0]["corp_name"] == "Other"
    )

    moved = await ok(
        await client.put(
            f"{STAFF}/{ann['id']}/department",
            json={
                "departments": [
                    {"department_id": rnd["id"]},
                    {"department_id": sub["id"], "is_primary": True},
                ]
            },
        )
    )
    assert [d["is_primary"] for d in moved["departments"]] == [True, False]
    assert moved["departments"][0]["department_id"] == sub["id"]
    updated = await ok(await client.put(f"{STAFF}/{ann['id']}", json={"position": "Lead", "user_id": ""}))
    assert updated["position"] == "Lead" and updated["user_id"] is None


BAD_INPUT = [
    ("GET", f"{CORP}/123456789", None, 404),
    ("PUT", f"{DEPT}/123456789", {"name": "x"}, 404),
    ("GET", f"{STAFF}/123456789", None, 404),
    ("PUT", f"{STAFF}/123456789/resign", {}, 404),
    ("POST", f"{DEPT}/list", {"corp_id": "123456789"}, 404),
    ("POST", f"{DEPT}/tree", {"corp_id": "123456789"}, 404),
    ("GET", f"{TREE}?corp_id=123456789", None, 404),
    ("POST", f"{CORP}/create", {"name": "x", "corp_type": 9}, 400),
    ("POST", f"{CORP}/create", {"name": "x", "corp_type": "group"}, 400),
    ("POST", f"{CORP}/create", {"name": "x", "corp_source": 1}, 400),
    ("POST", f"{CORP}/create", {"name": "x" * 101}, 400),
    ("POST", f"{CORP}/create", {"name": "   "}, 400),
    ("POST", f"{CORP}/create", {"name": "x", "owner": "me"}, 400),
    ("POST", f"{CORP}/create", {"name": "x", "parent_id": "abc"}, 400),
    ("POST", f"{CORP}/create", {"name": "x", "sort": 2**40}, 400),
    ("PUT", f"{CORP}/1", {"id": "2"}, 400),
    ("POST", f"{CORP}/list", {"page_size": 1000}, 400),
    ("POST", f"{STAFF}/list", {"status": "active"}, 400),
    ("POST", f"{STAFF}/create", {"name": "x", "department_ids": []}, 400),
    (
        "POST",
        f"{STAFF}/create",
        {"name": "x", "department_ids": [{"department_id": "1", "job": "x"}]},
        400,
    ),
    ("GET", f"{CORP}/99999999999999999999", None, 400),
    ("GET", f"{TREE}?depth=-1", None, 400),
]


async def test_bad_input(client: AsyncTestClient) -> None:  # type: ignore[type-arg]
    # One app for every case: a fresh database per case would cost far more than the calls.
    for method, path, body, status in BAD_INPUT:
        r = await client.request(method, path, json=body)
        assert r.status_code == status, (method, path, body, r.text)
        assert r.json()["code"] == (4200 if status == 404 else 4000), r.text


async def test_members_read_the_tree_but_cannot_manage(client: AsyncTestClient, settings: Settings) -> None:  # type: ignore[type-arg]
    corp = await ok(await client.post(f"{CORP}/create", json={"name": "Acme"}))
    dept = await ok(await client.post(f"{DEPT}/create", json={"name": "R&D", "corp_id": corp["id"]}))
    await ok(
        await client.post(
            f"{STAFF}/create",
            json={
                "name": "Ann",
                "email": "ann@example.com",
                "department_ids": [{"department_id": dept["id"]}],
            },
        )
    )
    member = await create_user(settings)
    await sign_in(client, member["email"])
    tree = await ok(await client.get(TREE))
    assert tree[0]["employee_count"] == 1 and "ann@example.com" not in str(tree)
    for method, path, body in [
        ("POST", f"{CORP}/create", {"name": "Mine"}),
        ("GET", f"{CORP}/{corp['id']}", None),
        ("POST", f"{CORP}/list", {}),
        ("POST", f"{STAFF}/list", {}),
        ("DELETE", f"{DEPT}/{dept['id']}", None),
    ]:
        r = await client.request(method, path, json=body)
        assert r.status_code == 403 and r.json()["code"] == 4101, (path, r.text)
    client.cookies.clear()
    assert (await client.get(TREE)).status_code == 401


async def test_messages_are_localised(client: AsyncTestClient) -> None:  # type: ignore[type-arg]
    r = await client.get(f"{CORP}/123456789", headers={"accept-language": "zh-CN"})
    assert r.json()["msg"] == "组织不存在"


async def test_a_custom_role_delegates_organisation_management(
    client: AsyncTestClient, settings: Settings
) -> None:  # type: ignore[type-arg]
    """organization:manage in a custom global role, granted through the permission console, lets a
    non-admin manage the tree; the same user without the grant is refused."""
    hr = await create_user(settings)
    role = await ok(
        await client.post(
            "/api/permission_api/role/create",
            json={
                "role_code": "org_manager",
                "role_name": "Organisation manager",
                "domain": "global",
                "permissions": [{"resource": "organization", "action": "manage"}],
            },
        )
    )
    admin_cookies = dict(client.cookies)
    await sign_in(client, hr["email"])
    refused = await client.post(f"{CORP}/create", json={"name": "Not yet"})
    assert refused.status_code == 403 and refused.json()["code"] == 4101, refused.text

    client.cookies.clear()
    client.cookies.update(admin_cookies)
    grant = {"user_id": str(hr["id"]), "role_ids": [role["id"]]}
    await ok(await client.post("/api/permission_api/user/assign_roles", json=grant))
    await sign_in(client, hr["email"])
    corp = await ok(await client.post(f"{CORP}/create", json={"name": "HR Corp"}))
    assert (await ok(await client.get(f"{CORP}/{corp['id']}")))["name"] == "HR Corp"
    # organization:manage opens neither the admin console nor the role editor
    assert (await client.post("/api/permission_api/role/list", json={})).status_code == 403

    client.cookies.clear()
    client.cookies.update(admin_cookies)
    await ok(await client.post("/api/permission_api/user/unassign_roles", json=grant))
    await sign_in(client, hr["email"])
    again = await client.post(f"{CORP}/create", json={"name": "Revoked"})
    assert again.status_code == 403 and again.json()["code"] == 4101, again.text
