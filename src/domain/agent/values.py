"""Value objects of an agent's configuration, each checked on construction through `checked()`.

Limits are generous for real agents and small enough that one draft row stays well under a
megabyte; every refusal names the field so the editor can point at it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields, replace
from enum import IntEnum, StrEnum
from typing import Any

from domain.agent.errors import InvalidAgentConfig
from domain.common.jsonvalue import JsonMalformed, JsonTooDeep, JsonTooLarge, check_json_value

INT64_MAX = 2**63 - 1
MAX_NAME = 40
MAX_DESCRIPTION = 500
MAX_ICON_URI = 1024
MAX_PROMPT = 20_000  # characters of persona template
MAX_PROLOGUE = 5_000
MAX_QUESTIONS = 10
MAX_QUESTION = 300
MAX_SUGGEST_PROMPT = 2_000
MAX_PLUGIN_APIS = 50
MAX_TOOL_DEFAULTS = 50  # parameters with the agent's own value, per tool
MAX_PARAMETER_NAME = 255
MAX_WORKFLOWS = 20
MAX_DATASETS = 20
MAX_SHORTCUTS = 10
MAX_VARIABLES = 50
MAX_VARIABLE_VALUE = 1_000
MAX_CLIENT_TOOLS = 32
MAX_TOOL_DESCRIPTION = 1_024
MAX_TOOL_SCHEMA_BYTES = 16_384
MAX_SCHEMA_DEPTH = 10
MAX_HISTORY_ROUNDS = 100
MAX_VERSION_NOTE = 1_000  # characters a publisher may say about a version
SEARCH_STRATEGIES = (0, 1, 20)  # semantic, hybrid, full text (Coze's numbers)
MAX_RECALL_TOP_K = 20  # slices recalled per answer
DEFAULT_TOP_K = 3  # Coze's editor defaults
DEFAULT_MIN_SCORE = 0.5
MAX_NO_RECALL_REPLY = 500

_KEYWORD = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,49}$")
_TOOL_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]{0,63}$")  # what chat-completion APIs accept


class ResponseFormat(StrEnum):
    TEXT = "text"
    MARKDOWN = "markdown"
    JSON = "json"


class SuggestReplyMode(StrEnum):
    DISABLE = "disable"
    ENABLE = "enable"
    CUSTOMIZED = "customized"


def refuse(reason: str) -> InvalidAgentConfig:
    return InvalidAgentConfig(reason=reason)


def checked_text(value: str, name: str, limit: int, *, required: bool = False) -> str:
    if not isinstance(value, str):
        raise refuse(f"{name} must be text")
    if required and not value.strip():
        raise refuse(f"{name} must not be empty")
    if len(value) > limit:
        raise refuse(f"{name} must be at most {limit} characters")
    if "\x00" in value:
        raise refuse(f"{name} must not contain NUL characters")
    return value


def checked_id(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= INT64_MAX:
        raise refuse(f"{name} must be a positive int64 id")
    return value


def checked_ids(values: Iterable[object], name: str, limit: int) -> tuple[int, ...]:
    """Positive int64 ids, duplicates dropped (first kept), at most `limit` of them."""
    ids = tuple(dict.fromkeys(checked_id(v, name) for v in values))
    if len(ids) > limit:
        raise refuse(f"at most {limit} {name} values")
    return ids


def _number(value: float | None, name: str, low: float, high: float) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise refuse(f"{name} must be a number")
    if not low <= value <= high:
        raise refuse(f"{name} must be between {low:g} and {high:g}")
    return float(value)


def _integer(value: int | None, name: str, low: int, high: int) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise refuse(f"{name} must be an integer")
    if not low <= value <= high:
        raise refuse(f"{name} must be between {low} and {high}")
    return value


@dataclass(frozen=True, slots=True)
class ModelSettings:
    """The chat model and its sampling parameters; None leaves a parameter to the model's default."""

    model_id: int | None = None  # None: the platform's default chat model
    temperature: float | None = None
    top_p: float | None = None
    top_k: int | None = None
    max_tokens: int | None = None
    presence_penalty: float | None = None
    frequency_penalty: float | None = None
    response_format: ResponseFormat | None = None
    history_rounds: int = 3  # Coze's context_round
    current_time_in_prompt: bool = True  # Coze's sp_current_time

    def checked(self) -> ModelSettings:
        if self.model_id is not None:
            checked_id(self.model_id, "model_id")
        rounds = _integer(self.history_rounds, "context_round", 0, MAX_HISTORY_ROUNDS)
        if not isinstance(self.current_time_in_prompt, bool):
            raise refuse("sp_current_time must be a boolean")
        fmt = self.response_format
        if fmt is not None and fmt not in set(ResponseFormat):
            raise refuse(f"response_format must be one of {[f.value for f in ResponseFormat]}")
        return replace(
            self,
            temperature=_number(self.temperature, "temperature", 0, 2),
            top_p=_number(self.top_p, "top_p", 0, 1),
            top_k=_integer(self.top_k, "top_k", 1, 1000),
            max_tokens=_integer(self.max_tokens, "max_tokens", 1, 1_000_000),
            presence_penalty=_number(self.presence_penalty, "presence_penalty", -2, 2),
            frequency_penalty=_number(self.frequency_penalty, "frequency_penalty", -2, 2),
            response_format=None if fmt is None else ResponseFormat(fmt),
            history_rounds=rounds if rounds is not None else 3,
        )

    def merged(self, patch: Mapping[str, Any]) -> ModelSettings:
        """These settings with the fields named in `patch` replaced (a partial update), checked."""
        known = {f.name for f in fields(self)}
        unknown = sorted(set(patch) - known)
        if unknown:
            raise refuse(f"unknown model settings {unknown}")
        values = dict(patch)
        if isinstance(values.get("response_format"), str):
            try:
                values["response_format"] = ResponseFormat(values["response_format"])
            except ValueError:
                raise refuse(f"response_format must be one of {[f.value for f in ResponseFormat]}") from None
        return replace(self, **values).checked()

    def sampling(self) -> dict[str, Any]:
        """The parameters that are set, by the LLM runtime's names."""
        names = ("temperature", "top_p", "top_k", "max_tokens", "presence_penalty", "frequency_penalty")
        found: dict[str, Any] = {n: getattr(self, n) for n in names if getattr(self, n) is not None}
        if self.response_format is not None:
            found["response_format"] = self.response_format.value
        return found


@dataclass(frozen=True, slots=True)
class Onboarding:
    prologue: str = ""
    suggested_questions: tuple[str, ...] = ()

    def checked(self) -> Onboarding:
        checked_text(self.prologue, "prologue", MAX_PROLOGUE)
        if not all(isinstance(q, str) for q in self.suggested_questions):
            raise refuse("suggested_questions must be text")
        questions = tuple(q.strip() for q in self.suggested_questions if q.strip())
        if len(questions) > MAX_QUESTIONS:
            raise refuse(f"at most {MAX_QUESTIONS} suggested_questions")
        for q in questions:
            checked_text(q, "suggested question", MAX_QUESTION)
        return Onboarding(self.prologue, questions)


@dataclass(frozen=True, slots=True)
class SuggestReply:
    """Follow-up suggestions after each answer: off, the platform's prompt, or the agent's own."""

    mode: SuggestReplyMode = SuggestReplyMode.DISABLE
    customized_prompt: str = ""

    def checked(self) -> SuggestReply:
        try:
            mode = SuggestReplyMode(self.mode)
        except ValueError:
            raise refuse(f"reply_mode must be one of {[m.value for m in SuggestReplyMode]}") from None
        prompt = checked_text(self.customized_prompt, "customized_prompt", MAX_SUGGEST_PROMPT)
        if mode is SuggestReplyMode.CUSTOMIZED and not prompt.strip():
            raise refuse("customized_prompt is required when reply_mode is customized")
        return SuggestReply(mode, prompt)


@dataclass(frozen=True, slots=True)
class PluginBinding:
    """A plugin tool the agent calls, with its own parameter values (Coze's bot default params):
    `defaults` fill what the model leaves out, `variables` fill a parameter from one of the agent's
    variables (its value in the chat), `hidden` parameters always take their default or variable."""

    plugin_id: int
    api_id: int
    defaults: tuple[tuple[str, str], ...] = ()
    hidden: tuple[str, ...] = ()
    variables: tuple[tuple[str, str], ...] = ()  # parameter name -> the agent variable's keyword

    def checked(self) -> PluginBinding:
        defaults = tuple(
            (
                checked_text(name, "parameter name", MAX_PARAMETER_NAME, required=True),
                checked_text(value, "parameter value", MAX_VARIABLE_VALUE),
            )
            for name, value in self.defaults
        )
        variables = tuple(
            (
                checked_text(name, "parameter name", MAX_PARAMETER_NAME, required=True),
                checked_text(keyword, "variable", MAX_PARAMETER_NAME, required=True),
            )
            for name, keyword in self.variables
        )
        if max(len(defaults), len(self.hidden), len(variables)) > MAX_TOOL_DEFAULTS:
            raise refuse(f"at most {MAX_TOOL_DEFAULTS} default parameter values per tool")
        names = {name for name, _ in defaults} | {name for name, _ in variables}
        for name in self.hidden:
            if name not in names:
                raise refuse(f"hidden parameter {name!r} needs a default value or a variable")
        return PluginBinding(
            checked_id(self.plugin_id, "plugin_id"),
            checked_id(self.api_id, "api_id"),
            tuple(dict(defaults).items()),
            tuple(dict.fromkeys(self.hidden)),
            tuple(dict(variables).items()),
        )


class NoRecallReply(IntEnum):
    """What an agent says when its knowledge recalls nothing (Coze's KnowledgeNoRecallReplyMode)."""

    MODEL = 0  # the model answers without knowledge
    CUSTOM = 1  # the agent's own text, without asking the model


@dataclass(frozen=True, slots=True)
class KnowledgeBinding:
    """The knowledge bases an agent searches and how (Coze's bot Knowledge). With `auto_call` the
    chat searches before every answer; the slices found go into the prompt."""

    dataset_ids: tuple[int, ...] = ()
    auto_call: bool = True
    search_strategy: int = 0  # Coze's numbers: 0 semantic, 1 hybrid, 20 full text
    top_k: int = DEFAULT_TOP_K
    min_score: float = DEFAULT_MIN_SCORE
    show_source: bool = False  # clients show the recalled sources under the answer
    show_source_mode: int = 0  # Coze's KnowledgeShowSourceMode: 0 under the reply, 1 as cards
    no_recall_reply_mode: NoRecallReply = NoRecallReply.MODEL
    no_recall_reply_customize_prompt: str = ""
    use_rewrite: bool = False  # the question is rewritten with the chat history before searching
    use_rerank: bool = False  # the platform's rerank model orders what was found
    use_nl2sql: bool = False  # table knowledge also answers with a SQL query the model writes

    def checked(self) -> KnowledgeBinding:
        for name in ("auto_call", "show_source", "use_rewrite", "use_rerank", "use_nl2sql"):
            if not isinstance(getattr(self, name), bool):
                raise refuse(f"{name} must be a boolean")
        if isinstance(self.search_strategy, bool) or self.search_strategy not in SEARCH_STRATEGIES:
            raise refuse(f"search_strategy must be one of {list(SEARCH_STRATEGIES)}")
        top_k = _integer(self.top_k, "top_k", 1, MAX_RECALL_TOP_K)
        min_score = _number(self.min_score, "min_score", 0, 1)
        if isinstance(self.show_source_mode, bool) or self.show_source_mode not in (0, 1):
            raise refuse("show_source_mode must be 0 (under the reply) or 1 (cards)")
        if isinstance(self.no_recall_reply_mode, bool) or self.no_recall_reply_mode not in (0, 1):
            raise refuse("no_recall_reply_mode must be 0 (the model answers) or 1 (custom text)")
        mode = NoRecallReply(self.no_recall_reply_mode)
        text = checked_text(
            self.no_recall_reply_customize_prompt, "no_recall_reply_customize_prompt", MAX_NO_RECALL_REPLY
        )
        if mode is NoRecallReply.CUSTOM and not text.strip():
            raise refuse("no_recall_reply_customize_prompt is required when no_recall_reply_mode is 1")
        return replace(
            self,
            dataset_ids=checked_ids(self.dataset_ids, "dataset_id", MAX_DATASETS),
            top_k=top_k if top_k is not None else DEFAULT_TOP_K,
            min_score=min_score if min_score is not None else DEFAULT_MIN_SCORE,
            no_recall_reply_mode=mode,
        )

    def merged(self, patch: Mapping[str, Any]) -> KnowledgeBinding:
        """This binding with the fields named in `patch` replaced (a partial update), checked."""
        known = {f.name for f in fields(self)}
        unknown = sorted(set(patch) - known)
        if unknown:
            raise refuse(f"unknown knowledge settings {unknown}")
        return replace(self, **patch).checked()


@dataclass(frozen=True, slots=True)
class Variable:
    keyword: str
    default_value: str = ""
    description: str = ""
    enabled: bool = True
    prompt_enabled: bool = True

    def checked(self) -> Variable:
        if not isinstance(self.keyword, str) or not _KEYWORD.match(self.keyword):
            raise refuse(
                f"variable keyword {str(self.keyword)[:60]!r} must start with a letter and hold only "
                "letters, digits and '_' (at most 50)"
            )
        checked_text(self.default_value, f"variable {self.keyword} default_value", MAX_VARIABLE_VALUE)
        checked_text(self.description, f"variable {self.keyword} description", MAX_DESCRIPTION)
        if not isinstance(self.enabled, bool) or not isinstance(self.prompt_enabled, bool):
            raise refuse(f"variable {self.keyword}: enable and prompt_enable must be booleans")
        return self


@dataclass(frozen=True, slots=True)
class ClientToolSpec:
    """A tool the client runs (Coze "local plugin"); `parameters` is a JSON Schema of type object."""

    name: str
    description: str = ""
    parameters: Mapping[str, Any] = field(default_factory=lambda: {"type": "object", "properties": {}})

    def checked(self) -> ClientToolSpec:
        if not isinstance(self.name, str) or not _TOOL_NAME.match(self.name):
            raise refuse(
                f"client tool name {str(self.name)[:70]!r} must start with a letter or '_' and hold only "
                "letters, digits, '_' and '-' (at most 64)"
            )
        checked_text(self.description, f"client tool {self.name} description", MAX_TOOL_DESCRIPTION)
        check_object_schema(self.parameters, f"client tool {self.name} parameters")
        return self


def check_object_schema(schema: object, name: str) -> None:
    """A JSON Schema whose top level is an object: what function-calling models take as arguments."""
    if not isinstance(schema, Mapping):
        raise refuse(f"{name} must be a JSON Schema object")
    try:  # depth first: measuring the size of a deep value would recurse as deep
        check_json_value(schema, field=name, max_depth=MAX_SCHEMA_DEPTH, max_bytes=MAX_TOOL_SCHEMA_BYTES)
    except JsonTooDeep:
        raise refuse(f"{name} nests deeper than {MAX_SCHEMA_DEPTH} levels") from None
    except JsonTooLarge:
        raise refuse(f"{name} must be at most {MAX_TOOL_SCHEMA_BYTES} bytes of JSON") from None
    except JsonMalformed:
        raise refuse(f"{name} must be plain JSON") from None
    if schema.get("type") != "object":
        raise refuse(f'{name} must have "type": "object"')
    properties = schema.get("properties", {})
    if not isinstance(properties, Mapping) or not all(isinstance(v, Mapping) for v in properties.values()):
        raise refuse(f"{name}.properties must map names to schemas")
    required = schema.get("required", [])
    if not isinstance(required, list) or not all(isinstance(r, str) and r in properties for r in required):
        raise refuse(f"{name}.required must list names of its properties")
