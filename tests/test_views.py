"""The page's reading of answers: honest percentages, an unsure state, folded candidates, escaped text."""

from __future__ import annotations

from demo.views.html import candidate_list, continuation, filled_sentence, percent, verdict

WORDS = {"POSITIVE": "Positive", "NEGATIVE": "Negative"}


def test_percentages_never_claim_certainty():
    assert [percent(p) for p in (1.0, 0.996, 0.5, 0.004, 0.0)] == [">99%", ">99%", "50%", "<1%", "<1%"]


def test_a_close_call_reads_as_unsure_and_a_clear_one_by_its_class():
    close = verdict({"POSITIVE": 0.46, "NEGATIVE": 0.54}, WORDS, "meaning")
    assert "Unsure" in close and "leaning toward Negative, 8 points apart" in close
    clear = verdict({"POSITIVE": 0.9999, "NEGATIVE": 0.0001}, WORDS, "meaning")
    assert "Unsure" not in clear and ">99%" in clear and "<1%" in clear and "100%" not in clear


def test_candidates_under_one_percent_fold_away_unless_opened():
    html = candidate_list([("Paris", 0.9), ("Lyon", 0.095), ("banana", 0.004), ("x", 0.001)])
    shown, folded = html.split("<details", 1)
    assert "Paris" in shown and "Lyon" in shown and "banana" not in shown
    assert "2 more under 1%" in folded and "banana" in folded


def test_user_and_model_text_is_escaped():
    attack = '<img src=x onerror="alert(1)">'
    assert "<img" not in filled_sentence([attack, "."], [attack])
    assert "<img" not in continuation(attack, [(attack, 0.5, attack)])
    assert "<img" not in verdict({attack: 0.7, "b": 0.3}, {}, attack)


def test_a_share_link_names_a_tab_and_its_inputs_and_bad_numbers_are_skipped():
    from demo.page.links import restore_from_link

    key, values = restore_from_link({"tab": "generate", "prompt": "Once", "max_new_tokens": "12", "seed": "x",
                                     "temperature": "0.5"})
    assert key == "generate" and values == {"generate": {"prompt": "Once", "max_new_tokens": 12, "temperature": 0.5}}
    assert restore_from_link({"tab": "nowhere", "prompt": "Once"}) == (None, {})
    assert restore_from_link({}) == (None, {})
