"""How settings pick the run stream and KV adapters and the one shared NATS server."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from bootstrap.settings import Settings


def settings(**values: Any) -> Settings:
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


def test_embedded_by_default() -> None:
    s = settings()
    assert (s.runstream_adapter, s.kv_adapter, s.resolved_nats_url, s.nats_ports) == (
        "inprocess",
        "inprocess",
        None,
        [],
    )


def test_one_nats_url_switches_every_port() -> None:
    s = settings(nats_url="nats://10.0.0.5:4222")
    assert (s.runstream_adapter, s.kv_adapter, s.eventbus_adapter) == ("nats", "nats", "nats")
    assert s.resolved_nats_url == "nats://10.0.0.5:4222"
    assert s.nats_ports == ["runstream", "kv", "eventbus"]


def test_event_bus_follows_the_same_rules() -> None:
    assert settings().eventbus_adapter == "inprocess"
    s = settings(nats_url="nats://n:4222", eventbus_url="inprocess")
    assert (s.runstream_adapter, s.eventbus_adapter, s.nats_ports) == (
        "nats",
        "inprocess",
        ["runstream", "kv"],
    )
    s = settings(eventbus_url="nats://n:4222")
    assert (s.eventbus_adapter, s.runstream_adapter, s.resolved_nats_url) == (
        "nats",
        "inprocess",
        "nats://n:4222",
    )
    with pytest.raises(ValidationError):
        settings(nats_url="nats://a:4222", eventbus_url="nats://b:4222")
    with pytest.raises(ValidationError):
        settings(eventbus_url="kafka://x:9092")
    with pytest.raises(ValidationError):
        settings(eventbus_url="nats")  # 'nats' without a server


def test_ports_can_be_chosen_one_by_one() -> None:
    s = settings(nats_url="nats://n:4222", kv_url="inprocess")
    assert (s.runstream_adapter, s.kv_adapter) == ("nats", "inprocess")
    s = settings(runstream_url="nats://n:4222")
    assert (s.runstream_adapter, s.kv_adapter, s.resolved_nats_url) == ("nats", "inprocess", "nats://n:4222")
    s = settings(nats_url="nats://n:4222", runstream_url="nats", kv_url="nats://n:4222")
    assert (s.runstream_adapter, s.kv_adapter) == ("nats", "nats")


@pytest.mark.parametrize(
    "values",
    [
        {"runstream_url": "redis://x"},
        {"kv_url": "nats"},  # no server named anywhere
        {"nats_url": "nats://a:4222", "kv_url": "nats://b:4222"},
        {"runstream_url": "nats://a:4222", "kv_url": "nats://b:4222"},
        {"runstream_stream": "RUNS.*"},
        {"runstream_subject_prefix": "runs.>"},
        {"kv_bucket": "a.b"},
        {"runstream_ttl_s": 0},
    ],
)
def test_bad_combinations_are_refused(values: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        settings(**values)
