"""Persona prompts as Jinja2 templates, rendered in a sandbox that cannot reach Python or run long.

Two fences. The SandboxedEnvironment refuses unsafe attribute access at run time. On top of that a
template is accepted only if its syntax tree holds what a persona needs: text, variables, a few
string filters and tests, comparisons, `~` and if/else. No loops, calls, attribute or item access,
arithmetic, assignments, macros or includes, so rendering is linear in the template's size and
nothing can name `__class__`, `cycler.__init__` or build a huge string. Output is capped too.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator, Mapping
from threading import Lock

from jinja2 import TemplateError, nodes
from jinja2.environment import Template
from jinja2.sandbox import SandboxedEnvironment

MAX_TEMPLATE = 20_000  # characters, as the agent's persona limit
MAX_OUTPUT = 100_000  # characters of rendered persona
CACHE_SIZE = 256

# Filters that only reshape or measure the text they are given (no width or count argument that
# could allocate without bound: no center, indent, format, replace, wordwrap).
SAFE_FILTERS = frozenset(
    {
        "default",
        "d",
        "upper",
        "lower",
        "trim",
        "title",
        "capitalize",
        "truncate",
        "length",
        "count",
        "string",
        "first",
        "last",
        "wordcount",
        "striptags",
    }
)
SAFE_TESTS = frozenset(
    {"defined", "undefined", "none", "string", "number", "eq", "ne", "equalto", "in", "lower", "upper"}
)
_ALLOWED_NODES: tuple[type[nodes.Node], ...] = (
    nodes.Template,
    nodes.Output,
    nodes.TemplateData,
    nodes.Name,
    nodes.Const,
    nodes.If,
    nodes.CondExpr,
    nodes.Filter,
    nodes.Test,
    nodes.Compare,
    nodes.Operand,
    nodes.And,
    nodes.Or,
    nodes.Not,
    nodes.Concat,
)


def _refusal(node: nodes.Node) -> str | None:
    if not isinstance(node, _ALLOWED_NODES):
        return f"{type(node).__name__.lower()} is not allowed in a persona (line {node.lineno})"
    if isinstance(node, nodes.Name) and node.ctx != "load":
        return f"assignments are not allowed in a persona (line {node.lineno})"
    if isinstance(node, nodes.Filter) and node.name not in SAFE_FILTERS:
        return f"filter {node.name!r} is not allowed in a persona (line {node.lineno})"
    if isinstance(node, nodes.Test) and node.name not in SAFE_TESTS:
        return f"test {node.name!r} is not allowed in a persona (line {node.lineno})"
    if isinstance(node, nodes.Const) and not isinstance(node.value, str | int | float | bool | None):
        return f"constant of type {type(node.value).__name__} (line {node.lineno})"
    return None


def _walk(node: nodes.Node) -> Iterator[nodes.Node]:
    yield node
    for child in node.iter_child_nodes():
        yield from _walk(child)


class SandboxedPersonaRenderer:
    """crossdomain.agent.PersonaRenderer. Compiled templates are kept in a small LRU cache, since the
    same persona is rendered on every chat turn."""

    def __init__(self, max_template: int = MAX_TEMPLATE, max_output: int = MAX_OUTPUT) -> None:
        self._max_template, self._max_output = max_template, max_output
        env = SandboxedEnvironment(
            autoescape=False, keep_trailing_newline=True, auto_reload=False, cache_size=0
        )
        env.globals.clear()  # no range, cycler, joiner, namespace, lipsum, dict
        env.filters = {k: v for k, v in env.filters.items() if k in SAFE_FILTERS}
        env.tests = {k: v for k, v in env.tests.items() if k in SAFE_TESTS}
        self._env = env
        self._cache: OrderedDict[str, Template] = OrderedDict()
        self._lock = Lock()

    def check(self, template: str) -> None:
        self._compiled(template)

    def render(self, template: str, variables: Mapping[str, str]) -> str:
        compiled = self._compiled(template)
        parts: list[str] = []
        size = 0
        try:
            for chunk in compiled.generate({k: str(v) for k, v in variables.items()}):
                size += len(chunk)
                if size > self._max_output:
                    raise ValueError(f"the rendered persona is longer than {self._max_output} characters")
                parts.append(chunk)
        except ValueError:
            raise
        except Exception as exc:  # any failure inside the sandbox is the template's, reported as such
            raise ValueError(
                f"the persona could not be rendered: {type(exc).__name__}: {exc}"[:300]
            ) from None
        return "".join(parts)

    def _compiled(self, template: str) -> Template:
        if not isinstance(template, str):
            raise ValueError("the persona must be text")
        with self._lock:
            found = self._cache.get(template)
            if found is not None:
                self._cache.move_to_end(template)
                return found
        if len(template) > self._max_template:
            raise ValueError(f"the persona is longer than {self._max_template} characters")
        try:
            tree = self._env.parse(template)
        except TemplateError as exc:
            line = getattr(exc, "lineno", None)
            where = f" (line {line})" if line else ""
            raise ValueError(f"template syntax error{where}: {exc.message or exc}"[:300]) from None
        for node in _walk(tree):
            reason = _refusal(node)
            if reason is not None:
                raise ValueError(reason)
        try:
            compiled = self._env.from_string(tree)
        except TemplateError as exc:
            raise ValueError(f"template error: {exc.message or exc}"[:300]) from None
        with self._lock:
            self._cache[template] = compiled
            if len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)
        return compiled
