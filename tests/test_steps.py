"""The four steps and the code for an answer: the script each engine writes, run in a subprocess
against the same model, prints the probabilities the API gives, within 1e-4."""

from __future__ import annotations

import pytest

from demo.registry import get_task
from tests.helpers import run_script




def confidences(label: dict) -> dict:
    return {c["label"]: c["confidence"] for c in label["confidences"]}


@pytest.mark.parametrize("api, values", [("sentiment", ["the film was great fun"]),
                                         ("next_sentence", ["it rained all day", "the film was fun"])])
def test_the_code_for_an_answer_prints_the_apis_probabilities(client, api, values):
    steps, code, _ = client.predict(*values, api_name=f"/steps_{api}")
    label, _ = client.predict(*values, api_name=f"/{api}")
    printed = run_script(code)
    assert printed == pytest.approx(confidences(label), abs=1e-4)
    assert steps["probabilities"] == pytest.approx(confidences(label), abs=1e-6)
    assert steps["answer"] == label["label"] and len(steps["tokens"]) == len(steps["ids"])


def test_the_steps_panel_names_the_four_steps_with_the_tokens(runtime):
    task, view = get_task("sentiment"), __import__("demo.registry", fromlist=["VIEWS"]).VIEWS["steps"]
    outputs = view.run(task, runtime.engine("sentiment"), print, "the film was great fun")
    html = view.present(task, ("the film was great fun",), outputs, runtime.card("sentiment"))
    for step in ("Input processing", "Model inference", "Output post-processing", "Presentation"):
        assert step in html
    assert "[CLS]" in html and "softmax" in html and "argmax" in html


def test_a_view_the_answering_engine_lacks_is_refused_with_a_message(runtime):
    """An engine without the capability a view needs answers with a message instead of failing: here
    the generation engine stands in for one (on the embedded profile, Chinese reviews go to such an
    engine, ChannelSentiment, which needs the real Gemma)."""
    from demo.errors import InputError
    from demo.page.endpoint import view_endpoint
    from demo.registry import VIEWS

    endpoint = view_endpoint(get_task("sentiment"), VIEWS["steps"])
    with pytest.raises(InputError, match="is not offered by the model that answers this text"):
        endpoint.answer(runtime.engine("generate"), print, "the film was great fun")


def test_a_long_inputs_tokens_show_their_two_ends_and_all_of_them_a_click_away():
    from demo.views.steps import SHOWN_AT_EACH_END, token_chips

    pairs = [(f"t{i}", i) for i in range(165)]
    html = token_chips(pairs)
    shown, _, every = html.partition("<details")
    assert "t0<sub>0</sub>" in shown and "t164<sub>164</sub>" in shown and "t80<sub>" not in shown
    assert f"{165 - 2 * SHOWN_AT_EACH_END} more" in shown
    assert all(f"t{i}<sub>{i}</sub>" in every for i in range(165))  # nothing cut: every token in the details
    assert "<details" not in token_chips(pairs[:12])


def test_a_folder_under_the_home_folder_is_written_from_tilde_and_found_again(tmp_path):
    import os
    from pathlib import Path

    from demo.engines.recipes import where

    folder = str(Path.home() / ".cache" / "some-model")
    written = where(folder)
    assert str(Path.home()) not in written and eval(written, {"os": os}) == folder  # noqa: S307 - our own text
    assert where("google-bert/bert-base-uncased") == "'google-bert/bert-base-uncased'"
    assert where(str(tmp_path)) == repr(str(tmp_path))
