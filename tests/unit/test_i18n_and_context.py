from __future__ import annotations

import pytest

from api.context import Surface, classify, new_log_id
from api.i18n import MESSAGES, message, negotiate


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, "en-US"),
        ("", "en-US"),
        ("zh-CN,zh;q=0.9,en;q=0.8", "zh-CN"),
        ("en-US,en;q=0.9,zh-CN;q=0.8", "en-US"),
        ("fr-FR, zh;q=0.5", "zh-CN"),
        ("de, fr", "en-US"),
        ("en;q=0.1, zh-TW;q=0.7", "zh-CN"),
        ("zh;q=0", "en-US"),
        ("zh;q=abc", "en-US"),
    ],
)
def test_negotiate(header: str | None, expected: str) -> None:
    assert negotiate(header) == expected


def test_every_message_has_both_locales() -> None:
    assert all(set(texts) == {"en-US", "zh-CN"} for texts in MESSAGES.values())


def test_message_fills_params_and_truncates_long_values() -> None:
    text = message("system.setting_not_found", "en-US", {"key": "x" * 500})
    assert text.startswith("setting xxx") and len(text) < 260


@pytest.mark.parametrize(
    ("path", "surface"),
    [
        ("/v1/workspaces", Surface.TOKEN_API),
        ("/V3/chat", Surface.TOKEN_API),
        ("/open_api/x", Surface.TOKEN_API),
        ("/api/playground_api/space/list", Surface.SPA_API),
        ("/api/admin/settings", Surface.ADMIN),
        ("/API/ADMIN/settings", Surface.ADMIN),
        ("/admin", Surface.ADMIN),
        ("/healthz", Surface.SYSTEM),
        ("/", Surface.STATIC),
        ("/v10/x", Surface.STATIC),
        ("/apifoo", Surface.STATIC),
    ],
)
def test_inspector_classifies_paths(path: str, surface: Surface) -> None:
    assert classify(path) is surface


def test_log_ids_are_unique_and_timestamped() -> None:
    ids = {new_log_id() for _ in range(1000)}
    assert len(ids) == 1000
    assert all(len(i) == 30 and i[:2] == "20" for i in ids)
