"""Bad input gets a 4xx envelope with a code, and nothing is written."""

from __future__ import annotations

import pytest
from litestar.testing import AsyncTestClient

BASE = "/api/admin/settings"
JSON = {"content-type": "application/json"}


async def _nothing_written(client: AsyncTestClient) -> None:  # type: ignore[type-arg]
    assert (await client.get(BASE)).json()["data"]["settings"] == []


def _assert_envelope(response: object, status: int, code: int) -> None:
    r = response  # httpx.Response
    assert r.status_code == status, r.text  # type: ignore[attr-defined]
    body = r.json()  # type: ignore[attr-defined]
    assert body["code"] == code
    assert body["msg"]
    assert body["detail"]["logid"] == r.headers["x-log-id"]  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "raw",
    [b"{", b'{"value": }', b"not json", b'{"value": 1,}', b"\x00\x01", b""],
    ids=["truncated", "missing-value", "text", "trailing-comma", "binary", "empty"],
)
async def test_malformed_json(client: AsyncTestClient, raw: bytes) -> None:  # type: ignore[type-arg]
    r = await client.put(f"{BASE}/site.title", content=raw, headers=JSON)
    _assert_envelope(r, 400, 4000)
    await _nothing_written(client)


async def test_non_utf8_bytes(client: AsyncTestClient) -> None:  # type: ignore[type-arg]
    r = await client.put(f"{BASE}/site.title", content=b'{"value": "\xff\xfe\xc3"}', headers=JSON)
    _assert_envelope(r, 400, 4000)
    await _nothing_written(client)


@pytest.mark.parametrize("content_type", ["text/plain", "application/xml", "image/png"])
async def test_wrong_content_type(client: AsyncTestClient, content_type: str) -> None:  # type: ignore[type-arg]
    r = await client.put(
        f"{BASE}/site.title", content=b'{"value": 1}', headers={"content-type": content_type}
    )
    _assert_envelope(r, 415, 4150)
    await _nothing_written(client)


async def test_missing_content_type(client: AsyncTestClient) -> None:  # type: ignore[type-arg]
    r = await client.put(f"{BASE}/site.title", content=b'{"value": 1}', headers={"content-type": ""})
    _assert_envelope(r, 415, 4150)


async def test_oversized_body(client: AsyncTestClient, settings: object) -> None:  # type: ignore[type-arg]
    limit = settings.max_body_bytes  # type: ignore[attr-defined]
    big = b'{"value": "' + b"x" * (limit + 10) + b'"}'
    r = await client.put(f"{BASE}/site.title", content=big, headers=JSON)
    _assert_envelope(r, 413, 4130)
    await _nothing_written(client)


async def test_oversized_value_within_body_limit(client: AsyncTestClient) -> None:  # type: ignore[type-arg]
    r = await client.put(f"{BASE}/site.title", json={"value": "x" * 70_000})
    _assert_envelope(r, 400, 4000)
    await _nothing_written(client)


async def test_unknown_fields(client: AsyncTestClient) -> None:  # type: ignore[type-arg]
    r = await client.put(f"{BASE}/site.title", json={"value": 1, "admin": True})
    _assert_envelope(r, 400, 4000)
    assert "admin" in r.json()["msg"]
    await _nothing_written(client)


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"value": 1, "expected_version": "one"},
        {"value": 1, "expected_version": -1},
        {"value": 1, "expected_version": 2**40},
        [1, 2],
        "value",
    ],
    ids=["missing", "string-version", "negative", "huge-version", "array", "string"],
)
async def test_wrong_types(client: AsyncTestClient, body: object) -> None:  # type: ignore[type-arg]
    r = await client.put(f"{BASE}/site.title", json=body)
    _assert_envelope(r, 400, 4000)
    await _nothing_written(client)


@pytest.mark.parametrize(
    "revision_id",
    ["9223372036854775808", "99999999999999999999999999", "-1", "0", "abc", "1e3", "0x10"],
)
async def test_out_of_range_int64_ids(client: AsyncTestClient, revision_id: str) -> None:  # type: ignore[type-arg]
    r = await client.get(f"{BASE}/revisions/{revision_id}")
    assert r.status_code in (400, 404), r.text
    assert r.json()["code"] in (4000, 4200)
    if revision_id in ("9223372036854775808", "99999999999999999999999999", "-1", "0"):
        _assert_envelope(r, 400, 4000)


async def test_largest_int64_id_is_a_clean_404(client: AsyncTestClient) -> None:  # type: ignore[type-arg]
    _assert_envelope(await client.get(f"{BASE}/revisions/{2**63 - 1}"), 404, 4200)


@pytest.mark.parametrize("key", ["title", "Site.Title", "a" * 256, "site..x"])
async def test_invalid_keys(client: AsyncTestClient, key: str) -> None:  # type: ignore[type-arg]
    r = await client.put(f"{BASE}/{key}", json={"value": 1})
    _assert_envelope(r, 400, 4000)
    await _nothing_written(client)
