"""The import-linter contracts between contexts name every context (docs/adr/0040): a context
added later without its contracts fails here instead of going unchecked."""

from __future__ import annotations

import configparser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src"
SHARED = {"common"}


def _config() -> configparser.ConfigParser:
    config = configparser.ConfigParser()
    config.read(ROOT / ".importlinter")
    return config


def _listed(config: configparser.ConfigParser, contract: str, key: str) -> set[str]:
    return set(config[f"importlinter:contract:{contract}"][key].split())


def _contexts() -> set[str]:
    return {p.name for p in (SRC / "application").iterdir() if (p / "__init__.py").exists()} - SHARED


def test_application_and_domain_have_the_same_contexts() -> None:
    domain = {p.name for p in (SRC / "domain").iterdir() if (p / "__init__.py").exists()} - SHARED
    assert _contexts() == domain


@pytest.mark.parametrize(
    ("contract", "prefix"),
    [
        ("contexts-independent", "domain"),
        ("application-contexts-independent", "application"),
        ("persistence-contexts-independent", "infra.persistence"),
    ],
)
def test_independence_contracts_name_every_context(contract: str, prefix: str) -> None:
    assert _listed(_config(), contract, "modules") == {f"{prefix}.{c}" for c in _contexts()}


def test_every_context_has_its_own_domain_contract_over_all_others() -> None:
    config = _config()
    contexts = _contexts()
    for context in contexts:
        name = f"context-{context}-own-domain"
        sources = _listed(config, name, "source_modules")
        assert {f"application.{context}", f"infra.persistence.{context}"} <= sources
        others = contexts - {context}
        assert _listed(config, name, "forbidden_modules") == {
            f"{root}.{o}" for o in others for root in ("application", "domain")
        }


def test_no_contract_ignores_imports() -> None:
    config = _config()
    assert not [s for s in config.sections() if config.has_option(s, "ignore_imports")]
