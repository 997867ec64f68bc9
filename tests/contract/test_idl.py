"""idl/ holds the API contract exported from the app; it must match what the app generates."""

from __future__ import annotations

import json
from pathlib import Path

from api.idl import SURFACES, render, surface_documents
from bootstrap.http import build_asgi
from bootstrap.settings import Settings

IDL = Path(__file__).resolve().parents[2] / "idl"


def test_committed_idl_matches_the_app(tmp_path: Path) -> None:
    app = build_asgi(Settings(_env_file=None, data_dir=tmp_path))  # type: ignore[call-arg]
    docs = surface_documents(app.litestar)
    assert set(docs) == set(SURFACES)
    for name, doc in docs.items():
        committed = IDL / f"{name}.json"
        assert committed.exists(), f"missing {committed}: run `make idl`"
        assert committed.read_text(encoding="utf-8") == render(doc), (
            f"{committed.name} is out of date with the app: run `make idl` and commit the result"
        )


def test_admin_document_describes_the_settings_routes() -> None:
    doc = json.loads((IDL / "admin-api.json").read_text(encoding="utf-8"))
    assert "/api/admin/settings/{key}" in doc["paths"]
    assert {"get", "put"} <= set(doc["paths"]["/api/admin/settings/{key}"])
    assert all(p.startswith("/api/admin/") for p in doc["paths"])
