"""The token page's scope checkboxes (web/src/modules/tokens/scopes.ts) are exactly the Scope values
the backend accepts: a scope added to or removed from the backend fails here until the page follows."""

from __future__ import annotations

import re
from pathlib import Path

from domain.common.access import Scope

SCOPES_TS = Path(__file__).resolve().parents[2] / "web" / "src" / "modules" / "tokens" / "scopes.ts"


def test_the_token_page_offers_every_backend_scope_and_no_other() -> None:
    block = re.search(r"export const SCOPES = \[(.*?)\] as const", SCOPES_TS.read_text(), re.S)
    assert block is not None, "SCOPES list not found in scopes.ts"
    offered = re.findall(r'"([^"]+)"', block.group(1))
    assert offered == [s.value for s in Scope]
