"""The system settings context end to end through HTTP, on SQLite and on MariaDB."""

from __future__ import annotations

from litestar.testing import AsyncTestClient

BASE = "/api/admin/settings"


async def test_put_get_list_history_revision(client: AsyncTestClient) -> None:  # type: ignore[type-arg]
    created = await client.put(f"{BASE}/site.title", json={"value": "cozeplus"})
    assert created.status_code == 200, created.text
    body = created.json()
    assert body["code"] == 0 and body["msg"] == ""
    assert isinstance(body["data"]["id"], str) and int(body["data"]["id"]) > 2**53  # int64 as a string
    assert body["data"]["version"] == 1

    changed = await client.put(f"{BASE}/site.title", json={"value": {"zh": "扣子+"}, "expected_version": 1})
    assert changed.json()["data"]["version"] == 2

    got = (await client.get(f"{BASE}/site.title")).json()["data"]
    assert got["value"] == {"zh": "扣子+"} and got["id"] == body["data"]["id"]

    await client.put(f"{BASE}/auth.registration_enabled", json={"value": False})
    listed = (await client.get(BASE)).json()["data"]["settings"]
    assert [s["key"] for s in listed] == ["auth.registration_enabled", "site.title"]

    history = (await client.get(f"{BASE}/site.title/history")).json()["data"]["revisions"]
    assert [r["version"] for r in history] == [2, 1]
    revision = (await client.get(f"{BASE}/revisions/{history[1]['id']}")).json()["data"]
    assert revision["value"] == "cozeplus" and revision["id"] == history[1]["id"]


async def test_version_conflict_is_409_and_keeps_the_value(client: AsyncTestClient) -> None:  # type: ignore[type-arg]
    await client.put(f"{BASE}/site.title", json={"value": "a"})
    await client.put(f"{BASE}/site.title", json={"value": "b"})
    stale = await client.put(f"{BASE}/site.title", json={"value": "c", "expected_version": 1})
    assert stale.status_code == 409
    assert stale.json()["code"] == 4090
    assert (await client.get(f"{BASE}/site.title")).json()["data"]["value"] == "b"


async def test_unknown_setting_and_revision_are_404(client: AsyncTestClient) -> None:  # type: ignore[type-arg]
    missing = await client.get(f"{BASE}/site.nothing")
    assert missing.status_code == 404 and missing.json()["code"] == 4200
    assert "site.nothing" in missing.json()["msg"]
    assert (await client.get(f"{BASE}/revisions/123456789")).json()["code"] == 4200


async def test_unicode_and_nested_values_round_trip(client: AsyncTestClient) -> None:  # type: ignore[type-arg]
    value = {"emoji": "🤖", "zh": "知识库", "list": [1, 2.5, None, True], "deep": {"a": {"b": [{}]}}}
    await client.put(f"{BASE}/site.meta", json={"value": value})
    assert (await client.get(f"{BASE}/site.meta")).json()["data"]["value"] == value
