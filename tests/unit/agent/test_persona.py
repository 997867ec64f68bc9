"""The sandboxed persona renderer: what a persona may use renders, anything that reaches Python
internals, loops or allocates without bound is refused when the agent is saved."""

from __future__ import annotations

import pytest

from infra.prompt.persona import SandboxedPersonaRenderer

R = SandboxedPersonaRenderer()


@pytest.mark.parametrize(
    ("template", "variables", "expected"),
    [
        ("You are {{ role }}.", {"role": "a tutor"}, "You are a tutor."),
        ("[{{ missing }}]", {}, "[]"),  # unknown variables render as empty text
        ("{{ missing|upper }}{{ missing|length }}", {}, "0"),
        ("{% if tone == 'warm' %}Be kind.{% else %}Be brief.{% endif %}", {"tone": "warm"}, "Be kind."),
        ("{{ 'yes' if city is defined else 'no' }}", {}, "no"),
        ("{{ name|default('friend')|title }}", {}, "Friend"),
        ("{{ a ~ '-' ~ b }}", {"a": "x", "b": "y"}, "x-y"),
        ("{# a note #}{{ text|truncate(8, true, '', 0) }}", {"text": "abcdefghijkl"}, "abcdefgh"),
        ("{{ '{{ not a tag }}' }}", {}, "{{ not a tag }}"),
        ("<b>{{ html }}</b>", {"html": "<i>&</i>"}, "<b><i>&</i></b>"),  # no autoescape
    ],
)
def test_what_a_persona_may_use_renders(template: str, variables: dict[str, str], expected: str) -> None:
    R.check(template)
    assert R.render(template, variables) == expected


@pytest.mark.parametrize(
    "template",
    [
        "{{ ''.__class__.__mro__ }}",
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ cycler.__init__.__globals__ }}",
        "{{ joiner.__init__.__globals__.os }}",
        "{{ self.__dict__ }}",
        "{{ role|attr('__class__') }}",
        "{{ lipsum() }}",
        "{{ range(10) }}",
        "{% for i in range(99999) %}{% for j in range(99999) %}x{% endfor %}{% endfor %}",
        "{% for c in role %}{% for d in role %}{% endfor %}{% endfor %}",
        "{{ 'a' * 1000000000 }}",
        "{{ 9 ** 9 ** 9 }}",
        "{{ role|center(1000000000) }}",
        "{{ role|replace('a', role) }}",
        "{{ role|format(1) }}",
        "{{ role[0] }}",
        "{% set x = 1 %}",
        "{% macro m() %}{% endmacro %}",
        "{% include 'x' %}",
        "{% extends 'x' %}",
        "{% import 'x' as y %}",
        "{{ role is divisibleby 3 }}",
        "{{ [1, 2] }}",
        "{{ {'a': 1} }}",
    ],
)
def test_hostile_templates_are_refused(template: str) -> None:
    with pytest.raises(ValueError, match="not allowed"):
        R.check(template)
    with pytest.raises(ValueError):
        R.render(template, {"role": "x"})


@pytest.mark.parametrize("template", ["{{ oops", "{% if %}", "{% endif %}", "{{ a b }}", "{% if x %}"])
def test_syntax_errors_say_where(template: str) -> None:
    with pytest.raises(ValueError, match="syntax error"):
        R.check(template)


def test_sizes_are_capped() -> None:
    small = SandboxedPersonaRenderer(max_template=100, max_output=50)
    with pytest.raises(ValueError, match="longer than 100"):
        small.check("x" * 101)
    with pytest.raises(ValueError, match="longer than 50"):
        small.render("{{ a }}{{ a }}", {"a": "y" * 30})
    assert small.render("{{ a }}", {"a": "y" * 30}) == "y" * 30


def test_render_errors_are_value_errors() -> None:
    with pytest.raises(ValueError, match="could not be rendered"):
        R.render("{{ a|truncate(0) }}", {"a": "text"})
    with pytest.raises(ValueError, match="must be text"):
        R.check(42)  # type: ignore[arg-type]


def test_values_are_text_and_templates_are_compiled_once() -> None:
    r = SandboxedPersonaRenderer()
    assert r.render("{{ n }}", {"n": 5}) == "5"  # type: ignore[dict-item]
    r.check("{{ n }}")
    assert len(r._cache) == 1  # the check and both renders share one compiled template
