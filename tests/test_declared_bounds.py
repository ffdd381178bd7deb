"""Every input of every endpoint declares its bound, and the bound holds at the limit and one past it:
a new task, view or input cannot come without one."""

from __future__ import annotations

import pytest

from demo import registry
from demo.errors import InputError
from demo.page.endpoint import answer_endpoint, view_endpoint
from demo.tasks.base import BOOLEAN, INTEGER, MAX_TEXT_CHARS, NUMBER, TEXT, Param

HUGE = 10**400  # a float cannot hold it: it once answered {"error": null} and logged an OverflowError


def every_input():
    registry.get_task("classify")  # the built-in plug-ins are registered on first use
    for task in registry.TASKS.values():
        endpoints = [answer_endpoint(task), *(view_endpoint(task, view) for view in registry.VIEWS.values())]
        for endpoint in endpoints:
            for param in endpoint.params:
                yield pytest.param(param, id=f"{endpoint.api_name}.{param.name}")


def test_an_input_without_its_bound_cannot_be_declared():
    """No default bound: a text input without `max_chars`, or a number without its range, fails when the
    task or view is defined (it once took 200,000 characters by default, unseen)."""
    with pytest.raises(TypeError, match="'note' declares no max_chars"):
        Param("note", label="Note")
    for kind in (INTEGER, NUMBER):
        with pytest.raises(TypeError, match="'size' declares no range"):
            Param("size", 1, kind)
    assert Param("note", max_chars=10).max_chars == 10 and Param("size", 1, INTEGER, range=(1, 5)).range == (1, 5)


@pytest.mark.parametrize("param", list(every_input()))
def test_every_input_holds_its_declared_bound_at_the_limit_and_one_past_it(param):
    if param.kind == TEXT:
        assert 0 < param.max_chars <= MAX_TEXT_CHARS
        assert param.check("x" * param.max_chars) == "x" * param.max_chars
        with pytest.raises(InputError, match=f"the limit is {param.max_chars:,}"):
            param.check("x" * (param.max_chars + 1))
        assert f"up to {param.max_chars:,} characters" in param.describe()  # what API docs and MCP tools say
    elif param.kind == BOOLEAN:
        assert param.check("yes") is True
        with pytest.raises(InputError):
            param.check("x" * 100)
    else:
        low, high = param.range
        assert param.check(high) == high and param.check(low) == low
        past = high + 1 if param.kind == INTEGER else high * 1.01 + 0.01
        for value in (past, low - 1, HUGE, -HUGE, float("nan"), float("inf"), "9" * 400):
            with pytest.raises(InputError, match=f"{param.name} must be") as refused:
                param.check(value)
            assert len(str(refused.value)) < 200  # a number of any size is quoted short


def test_the_classify_template_is_bounded_before_any_model_sees_it(client):
    """The long template that ran 336 s and reached 8.85 GB is refused at once, with the limit named."""
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError, match="Template is 16,002 characters long; the limit is 300"):
        client.predict("A match report.", "sports, politics", False, "{}" + " x" * 8000, api_name="/classify")


@pytest.mark.parametrize("template", ["{{}}{:㐀>3000}", "{{}}{x}", "{} {1}", "{}{0}"])
def test_a_13_character_template_that_pads_every_label_is_refused_at_once(client, template):
    """`{{}}{:㐀>3000}` once padded each label to 3,000 characters and held the server 400 s; its kin ended
    in tracebacks. A template is plain text with one `{}`: refused before any model sees it."""
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError, match="exactly once, where the label goes, and no other braces"):
        client.predict("A short text.", "lab3000x0, lab3000x1", False, template, api_name="/classify")
    assert client.predict("A short text.", "alpha, beta", False, "About {}.", api_name="/classify")[0]["label"]


def test_a_number_of_any_size_gets_the_range_message(client):
    from gradio_client.exceptions import AppError

    for name, position in (("top_k", 4), ("seed", 6)):
        values = ["Once", 5, 0.8, 0.95, 50, 1.1, 42]
        values[position] = HUGE
        with pytest.raises(AppError, match=f"{name} must be a whole number from"):
            client.predict(*values, api_name="/generate")
