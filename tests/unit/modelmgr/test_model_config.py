"""Model instance rules: providers, connections, parameter specs, sealed keys, scrubbed errors."""

from __future__ import annotations

import pytest

from domain.common.llm import InvalidModelParameter
from domain.modelmgr.entities import ModelInstance
from domain.modelmgr.errors import (
    ApiKeyRequired,
    InvalidModelConfig,
    KindNotOffered,
    SecretUnreadable,
    UnknownProvider,
)
from domain.modelmgr.providers import provider, provider_for_class
from domain.modelmgr.values import (
    Capabilities,
    Connection,
    ModelKind,
    ParameterSpec,
    ParamType,
    default_chat_parameters,
    resolve_parameters,
)
from infra.llm.errors import redact
from infra.llm.usage import estimate_tokens
from infra.security.cipher import AesGcmCipher


def chat(provider_key: str, **connection: object) -> ModelInstance:
    conn = Connection(**{"model": "m", **connection})  # type: ignore[arg-type]
    return ModelInstance(1, ModelKind.LLM, provider_key, "name", conn)


def test_unknown_provider_and_model_class_are_refused() -> None:
    with pytest.raises(UnknownProvider):
        provider("acme-ai")
    with pytest.raises(UnknownProvider):
        provider_for_class(4242)
    assert provider_for_class(1).key == "openai"
    assert provider_for_class(20).key == "ollama"
    assert provider_for_class(999).key == "openai_compatible"


def test_providers_that_need_a_key_refuse_a_model_without_one() -> None:
    with pytest.raises(ApiKeyRequired):
        chat("openai").check()
    assert chat("openai_compatible", base_url="http://127.0.0.1:8000/v1").check().connection.api_key == ""
    assert chat("ollama").check().connection.base_url == "http://127.0.0.1:11434"  # the provider default


@pytest.mark.parametrize(
    "connection",
    [
        {"base_url": "ftp://example.com"},
        {"base_url": "http://"},
        {"base_url": "https://user:pw@example.com/v1"},
        {"model": ""},
        {"model": "bad\nname"},
        {"timeout_s": 0},
        {"timeout_s": 10_000},
        {"max_retries": 9},
        {"concurrency": -1},
        {"api_key": "has space"},
    ],
)
def test_bad_connections_are_refused(connection: dict[str, object]) -> None:
    with pytest.raises(InvalidModelConfig):
        chat("openai_compatible", **{"base_url": "http://127.0.0.1:1/v1", **connection}).check()


def test_openai_compatible_needs_a_base_url() -> None:
    with pytest.raises(InvalidModelConfig):
        chat("openai_compatible").check()


def test_kinds_a_provider_does_not_offer_are_refused() -> None:
    conn = Connection(model="claude", api_key="k")
    with pytest.raises(KindNotOffered):
        ModelInstance(1, ModelKind.TEXT_EMBEDDING, "anthropic", "x", conn).check()
    with pytest.raises(KindNotOffered):
        ModelInstance(1, ModelKind.LLM, "builtin", "x", Connection(model="builtin-hash")).check()
    with pytest.raises(InvalidModelConfig):
        ModelInstance(1, ModelKind.LLM, "builtin", "x", Connection(model="builtin-gpt")).check()


def test_parameters_must_be_known_typed_ranged_and_supported_by_the_provider() -> None:
    with pytest.raises(InvalidModelConfig):
        ParameterSpec("creativity", ParamType.FLOAT, 1.0).checked()
    with pytest.raises(InvalidModelConfig):
        ParameterSpec("temperature", ParamType.INT, 1).checked()
    with pytest.raises(InvalidModelConfig):
        ParameterSpec("temperature", ParamType.FLOAT, 3.0, 0.0, 2.0).checked()
    top_k = ParameterSpec("top_k", ParamType.INT, 40, 1, 100)
    instance = chat("openai", api_key="k")
    instance.parameters = (top_k,)
    with pytest.raises(InvalidModelConfig):
        instance.check()  # OpenAI's API has no top_k
    anthropic = ModelInstance(
        1, ModelKind.LLM, "anthropic", "c", Connection(model="c", api_key="k"), parameters=(top_k,)
    )
    assert anthropic.check().parameters == (top_k,)


def test_call_parameters_are_checked_against_the_specs_and_defaults_filled() -> None:
    specs = default_chat_parameters(8192)
    resolved = resolve_parameters(specs, {"temperature": 0.2})
    assert resolved == {"temperature": 0.2, "top_p": 1.0, "max_tokens": 4096}
    for bad in (
        {"temperature": 5},
        {"temperature": "hot"},
        {"max_tokens": 1.5},
        {"max_tokens": True},
        {"seed": 1},
    ):
        with pytest.raises(InvalidModelParameter):
            resolve_parameters(specs, bad)


def test_capabilities_are_bounded() -> None:
    with pytest.raises(InvalidModelConfig):
        Capabilities(context_window=-1).checked()
    with pytest.raises(InvalidModelConfig):
        Capabilities(embedding_dimension=100_000).checked()


def test_endpoint_shows_scheme_host_and_port_only() -> None:
    conn = Connection(base_url="https://api.example.com:8443/v1/secret-path", model="m")
    assert conn.endpoint == "https://api.example.com:8443"


def test_sealed_keys_open_with_the_current_and_previous_keys_only() -> None:
    old = AesGcmCipher(b"old secret material 123")
    sealed = old.seal("sk-live-abc")
    assert "sk-live-abc" not in sealed
    assert sealed != old.seal("sk-live-abc")  # a fresh nonce every time
    rotated = AesGcmCipher(b"new secret material 456", [b"old secret material 123"])
    assert rotated.open(sealed) == "sk-live-abc"
    assert not rotated.is_current(sealed)
    assert rotated.is_current(rotated.seal("x"))
    with pytest.raises(SecretUnreadable):
        AesGcmCipher(b"new secret material 456").open(sealed)
    tampered = sealed[:-4] + ("AAAA" if not sealed.endswith("AAAA") else "BBBB")
    with pytest.raises(SecretUnreadable):
        old.open(tampered)
    assert old.seal("") == "" and old.open("") == ""


def test_redact_removes_the_key_and_key_shaped_text() -> None:
    text = "Incorrect API key provided: sk-proj-abcdef123456. Header was Bearer sk-proj-abcdef123456"
    cleaned = redact(text, ["sk-proj-abcdef123456"])
    assert "abcdef" not in cleaned
    assert "sk-****1234 masked" not in redact("key sk-****1234 masked")
    assert len(redact("x" * 1000)) <= 200


def test_token_estimates_need_no_tokenizer() -> None:
    assert estimate_tokens("") == 0
    assert estimate_tokens("hello world") == 3  # 11 characters / 4, at least the 2 words
    assert estimate_tokens("你好世界") == 4
