"""Agent configuration values and the draft entity: limits with clear reasons, partial updates that
change all or nothing, JSON storage that round-trips."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from domain.agent.config import AgentConfig
from domain.agent.entities import AgentChanges, AgentDraft, Icon
from domain.agent.errors import InvalidAgentConfig, InvalidConnector
from domain.agent.services import checked_connectors
from domain.agent.values import (
    MAX_NAME,
    ClientToolSpec,
    KnowledgeBinding,
    ModelSettings,
    NoRecallReply,
    Onboarding,
    PluginBinding,
    ResponseFormat,
    SuggestReply,
    SuggestReplyMode,
    Variable,
)

NOW = datetime(2026, 5, 1, tzinfo=UTC)
TOOL = ClientToolSpec(
    "lookup", "find things", {"type": "object", "properties": {"q": {"type": "string"}}, "required": ["q"]}
)
FULL = AgentConfig(
    persona_prompt="You are {{ who }}",
    model=ModelSettings(7, 0.7, 0.9, 40, 1024, 0.1, -0.1, ResponseFormat.JSON, 10, False),
    onboarding=Onboarding("hi", ("a?", "b?")),
    suggest_reply=SuggestReply(SuggestReplyMode.ENABLE),
    plugins=(PluginBinding(1, 2), PluginBinding(1, 3)),
    workflow_ids=(4, 5),
    knowledge=KnowledgeBinding(
        (6,), False, 1, 7, 0.25, True, 1, NoRecallReply.CUSTOM, "not in my notes", True, True
    ),
    variables=(Variable("who", "me", "the role", True, False),),
    shortcut_command_ids=(8,),
    client_tools=(TOOL,),
)


def draft(**config: Any) -> AgentDraft:
    return AgentDraft.create(1, 2, 3, "Agent", NOW, config=AgentConfig(**config))


def test_json_round_trip_keeps_everything() -> None:
    checked = FULL.checked()
    assert AgentConfig.from_json(checked.to_json()) == checked
    assert AgentConfig.from_json({}) == AgentConfig()  # older rows load with defaults


@pytest.mark.parametrize(
    ("config", "reason"),
    [
        ({"persona_prompt": "x" * 20_001}, "prompt must be at most 20000"),
        ({"persona_prompt": "a\x00b"}, "NUL"),
        ({"model": ModelSettings(temperature=2.5)}, "temperature must be between 0 and 2"),
        ({"model": ModelSettings(temperature=float("nan"))}, "temperature must be a number"),
        ({"model": ModelSettings(top_p=1.5)}, "top_p"),
        ({"model": ModelSettings(top_k=0)}, "top_k"),
        ({"model": ModelSettings(max_tokens=True)}, "max_tokens must be an integer"),  # type: ignore[arg-type]
        ({"model": ModelSettings(presence_penalty=-3)}, "presence_penalty"),
        ({"model": ModelSettings(history_rounds=101)}, "context_round"),
        ({"model": ModelSettings(model_id=0)}, "model_id"),
        ({"model": ModelSettings(model_id=2**63)}, "model_id"),
        ({"onboarding": Onboarding("p" * 5001)}, "prologue"),
        ({"onboarding": Onboarding("", tuple("q" for _ in range(11)))}, "at most 10 suggested_questions"),
        ({"onboarding": Onboarding("", (5,))}, "suggested_questions must be text"),  # type: ignore[arg-type]
        ({"suggest_reply": SuggestReply(SuggestReplyMode.CUSTOMIZED, " ")}, "customized_prompt is required"),
        ({"suggest_reply": SuggestReply("later")}, "reply_mode"),  # type: ignore[arg-type]
        ({"plugins": tuple(PluginBinding(1, i) for i in range(1, 52))}, "at most 50 plugin tools"),
        ({"plugins": (PluginBinding(1, -2),)}, "api_id"),
        ({"workflow_ids": tuple(range(1, 22))}, "at most 20 workflow_id"),
        ({"workflow_ids": ("7",)}, "workflow_id must be a positive int64"),  # type: ignore[arg-type]
        ({"knowledge": KnowledgeBinding(search_strategy=3)}, "search_strategy"),
        ({"knowledge": KnowledgeBinding(tuple(range(1, 22)))}, "dataset_id"),
        ({"knowledge": KnowledgeBinding(top_k=0)}, "top_k must be between 1 and 20"),
        ({"knowledge": KnowledgeBinding(top_k=21)}, "top_k must be between 1 and 20"),
        ({"knowledge": KnowledgeBinding(min_score=1.5)}, "min_score must be between 0 and 1"),
        ({"knowledge": KnowledgeBinding(min_score=float("nan"))}, "min_score must be a number"),
        ({"knowledge": KnowledgeBinding(show_source=1)}, "show_source must be a boolean"),  # type: ignore[arg-type]
        ({"knowledge": KnowledgeBinding(use_rewrite="yes")}, "use_rewrite must be a boolean"),  # type: ignore[arg-type]
        ({"knowledge": KnowledgeBinding(show_source_mode=2)}, "show_source_mode"),
        ({"knowledge": KnowledgeBinding(no_recall_reply_mode=2)}, "no_recall_reply_mode"),  # type: ignore[arg-type]
        ({"knowledge": KnowledgeBinding(no_recall_reply_mode=True)}, "no_recall_reply_mode"),  # type: ignore[arg-type]
        (
            {"knowledge": KnowledgeBinding(no_recall_reply_mode=NoRecallReply.CUSTOM)},
            "no_recall_reply_customize_prompt is required",
        ),
        ({"knowledge": KnowledgeBinding(no_recall_reply_customize_prompt="x" * 501)}, "at most 500"),
        ({"variables": (Variable("has space"),)}, "keyword"),
        ({"variables": (Variable("a"), Variable("a"))}, "appears twice"),
        ({"variables": tuple(Variable(f"v{i}") for i in range(51))}, "at most 50 variables"),
        ({"variables": (Variable("a", "x" * 1001),)}, "default_value"),
        ({"shortcut_command_ids": tuple(range(1, 12))}, "shortcut_command_id"),
        ({"client_tools": (ClientToolSpec("9-lives"),)}, "client tool name"),
        ({"client_tools": (ClientToolSpec("x" * 65),)}, "client tool name"),
        ({"client_tools": (ClientToolSpec("t", parameters={"type": "array"}),)}, '"type": "object"'),
        ({"client_tools": (ClientToolSpec("t", parameters=[]),)}, "JSON Schema object"),  # type: ignore[arg-type]
        (
            {"client_tools": (ClientToolSpec("t", parameters={"type": "object", "properties": []}),)},
            "properties",
        ),
        (
            {"client_tools": (ClientToolSpec("t", parameters={"type": "object", "required": ["nope"]}),)},
            "required",
        ),
        (
            {"client_tools": (ClientToolSpec("t", parameters={"type": "object", "x": float("inf")}),)},
            "plain JSON",
        ),
        ({"client_tools": (ClientToolSpec("t", parameters={"type": "object", "d": "x" * 17_000}),)}, "bytes"),
        ({"client_tools": (TOOL, TOOL)}, "appears twice"),
        ({"client_tools": tuple(ClientToolSpec(f"t{i}") for i in range(33))}, "at most 32 client tools"),
        ({"bot_mode": 1}, "bot_mode"),
    ],
)
def test_limits_name_the_field(config: dict[str, Any], reason: str) -> None:
    with pytest.raises(InvalidAgentConfig) as refused:
        AgentConfig(**config).checked()
    assert reason in refused.value.params["reason"]


def test_deeply_nested_schemas_are_refused() -> None:
    schema: dict[str, Any] = {"type": "object", "properties": {}}
    inner = schema["properties"]
    for _ in range(10):
        inner["p"] = {"type": "object", "properties": {}}
        inner = inner["p"]["properties"]
    with pytest.raises(InvalidAgentConfig) as refused:
        ClientToolSpec("deep", parameters=schema).checked()
    assert "nests deeper" in refused.value.params["reason"]


def test_ids_are_deduplicated_and_questions_trimmed() -> None:
    c = AgentConfig(
        workflow_ids=(3, 3, 1),
        plugins=(PluginBinding(1, 2), PluginBinding(1, 2)),
        onboarding=Onboarding("", (" a ", "")),
    ).checked()
    assert (c.workflow_ids, len(c.plugins), c.onboarding.suggested_questions) == ((3, 1), 1, ("a",))


@pytest.mark.parametrize("name", ["", "   ", "x" * (MAX_NAME + 1), "tab\there", 7])
def test_names(name: Any) -> None:
    with pytest.raises(InvalidAgentConfig):
        AgentDraft.create(1, 2, 3, name, NOW)


def test_a_refused_update_changes_nothing() -> None:
    d = draft(persona_prompt="keep")
    before = (d.name, d.description, d.config, d.updated_at)
    with pytest.raises(InvalidAgentConfig):
        d.apply(AgentChanges(name="New", persona_prompt="also new", model={"temperature": 5}), NOW)
    assert (d.name, d.description, d.config, d.updated_at) == before


def test_partial_model_updates_merge() -> None:
    d = draft(model=ModelSettings(model_id=7, temperature=0.5))
    d.apply(AgentChanges(model={"top_p": 0.3, "response_format": "markdown"}), NOW)
    assert (d.config.model.model_id, d.config.model.temperature, d.config.model.top_p) == (7, 0.5, 0.3)
    assert d.config.model.response_format is ResponseFormat.MARKDOWN
    assert d.config.model.sampling() == {"temperature": 0.5, "top_p": 0.3, "response_format": "markdown"}
    for bad in ({"colour": 1}, {"response_format": "xml"}):
        with pytest.raises(InvalidAgentConfig):
            d.apply(AgentChanges(model=bad), NOW)


def test_knowledge_defaults_for_older_rows_and_partial_updates() -> None:
    old = AgentConfig.from_json({"knowledge": {"dataset_ids": [6], "auto_call": True, "search_strategy": 20}})
    k = old.knowledge
    assert (k.dataset_ids, k.search_strategy, k.top_k, k.min_score) == ((6,), 20, 3, 0.5)
    assert not k.show_source
    assert k.no_recall_reply_mode is NoRecallReply.MODEL and not (k.use_rewrite or k.use_rerank)

    d = draft(knowledge=KnowledgeBinding((6,), top_k=5, show_source=True))
    d.apply(AgentChanges(knowledge={"dataset_ids": (8, 8, 9), "min_score": 0.7}), NOW)
    k = d.config.knowledge
    assert (k.dataset_ids, k.top_k, k.min_score, k.show_source) == ((8, 9), 5, 0.7, True)
    custom = {"no_recall_reply_mode": 1, "no_recall_reply_customize_prompt": "no"}
    d.apply(AgentChanges(knowledge=custom), NOW)
    assert d.config.knowledge.no_recall_reply_mode is NoRecallReply.CUSTOM
    before = d.config
    for bad in ({"colour": 1}, {"top_k": 50}, {"no_recall_reply_customize_prompt": " "}):
        with pytest.raises(InvalidAgentConfig):
            d.apply(AgentChanges(knowledge=bad), NOW)
    assert d.config == before


def test_duplicate_and_delete() -> None:
    d = AgentDraft.create(1, 2, 3, "x" * MAX_NAME, NOW, "desc", Icon("https://i/x.png"), FULL)
    copy = d.duplicate(9, 4, NOW)
    assert copy.name.endswith(" (copy)") and len(copy.name) <= MAX_NAME
    assert (copy.id, copy.space_id, copy.owner_id, copy.config, copy.icon) == (9, 2, 4, d.config, d.icon)
    d.delete(NOW)
    assert d.deleted and not copy.deleted


def test_icon_files_need_their_uploader() -> None:
    with pytest.raises(InvalidAgentConfig):
        Icon("k", 5).checked()
    assert Icon("k", 5, 3).checked().file_owner_id == 3


def test_connectors() -> None:
    assert checked_connectors([999, 1024, 999]) == (999, 1024)
    for bad in ([], [0], [10000010]):
        with pytest.raises(InvalidConnector):
            checked_connectors(bad)
