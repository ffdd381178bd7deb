"""Each task's pre- and post-processing on tiny real transformers models."""

from __future__ import annotations

import threading
import time

import pytest
import torch
from transformers import AutoModelForPreTraining

from demo.errors import InputError
from demo.models import detect_placement, load_model
from demo.registry import TASKS, get_task
from demo.scope import RequestScope, run_in_scope
from demo.tasks.fill_mask import MAX_MASKS, fill_in, normalize_masks
from demo.engines.types import GenerationSettings
from demo.engines.bert import NextSentenceEngine
from demo.engines.classifier import _label_name


def run(runtime, key, *values):
    warnings: list[str] = []
    task = get_task(key)
    out = task.run(runtime.engine(key), warnings.append, *values)
    if task.streaming:
        out = list(out)
    return out, warnings


def test_registry_lists_the_five_tasks_and_names_the_choices_on_a_miss():
    assert list(TASKS) == ["sentiment", "fill_mask", "next_sentence", "generate", "classify"]
    with pytest.raises(KeyError, match="sentiment, fill_mask, next_sentence, generate, classify"):
        get_task("translate")


# --- sentiment ---------------------------------------------------------------------------------

def test_sentiment_returns_both_classes_as_probabilities(runtime):
    (scores,), warnings = run(runtime, "sentiment", "A wonderful film.")
    assert set(scores) == {"POSITIVE", "NEGATIVE"}
    assert sum(scores.values()) == pytest.approx(1.0, abs=1e-5)
    assert warnings == []


@pytest.mark.parametrize("raw, name", [("positive", "POSITIVE"), ("NEG", "NEGATIVE"), ("LABEL_1", "LABEL_1")])
def test_sentiment_label_names_are_normalised(raw, name):
    assert _label_name(raw) == name


def test_sentiment_warns_how_much_of_a_long_text_was_cut(runtime):
    (scores,), warnings = run(runtime, "sentiment", "great " * 100)
    assert len(warnings) == 1
    assert "64 tokens at most" in warnings[0] and "38 tokens at the end" in warnings[0]
    assert set(scores) == {"POSITIVE", "NEGATIVE"}


@pytest.mark.parametrize("bad, message", [
    (None, "missing"), ("", "empty"), ("   \n\t", "empty"), (["a", "list"], "must be text"), ({"a": 1}, "must be text"),
    ("x" * 200_001, "the limit is 200,000"),
])
def test_sentiment_refuses_unusable_text_with_a_clear_message(runtime, bad, message):
    with pytest.raises(InputError, match=message):
        run(runtime, "sentiment", bad)


def test_numbers_are_accepted_as_text(runtime):
    (scores,), _ = run(runtime, "sentiment", 12345)
    assert set(scores) == {"POSITIVE", "NEGATIVE"}


# --- fill mask ---------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["a [MASK] b", "a <mask> b", "a [mask] b", "a <MASK> b"])
def test_every_common_mask_spelling_becomes_the_models_token(text):
    assert normalize_masks(text, "[MASK]") == ("a [MASK] b", 1)
    assert normalize_masks(text, "<mask>") == ("a <mask> b", 1)


def test_fill_in_joins_wordpiece_suffixes():
    assert fill_in("The [MASK] [MASK] here.", "[MASK]", ["dog", "##s"]) == "The dogs here."


def test_fill_mask_gives_one_candidate_list_per_mask(runtime):
    (first, filled, table), warnings = run(runtime, "fill_mask", "The [MASK] sat on the <mask>.", 3)
    assert len(first) == 3 and all(0 < p < 1 for p in first.values())
    assert [row[0] for row in table] == [1, 1, 1, 2, 2, 2]
    assert [row[1] for row in table] == [1, 2, 3, 1, 2, 3]
    assert "[MASK]" not in filled and filled.startswith("The ") and filled.endswith(".")
    best_first = table[0][2]
    assert best_first in first and filled.split()[1] == best_first.removeprefix("##")
    assert warnings == []


def test_fill_mask_accepts_a_text_that_is_only_a_mask(runtime):
    (first, filled, table), _ = run(runtime, "fill_mask", "[MASK]", 5)
    assert len(table) == 5 and filled == table[0][2]


def test_fill_mask_without_mask_says_which_token_to_use(runtime):
    with pytest.raises(InputError, match=r"No mask found\. Write \[MASK\]"):
        run(runtime, "fill_mask", "There is nothing hidden here.", 5)


def test_fill_mask_limits_the_number_of_masks(runtime):
    with pytest.raises(InputError, match=f"11 masks; at most {MAX_MASKS}"):
        run(runtime, "fill_mask", " ".join(["[MASK]"] * 11), 5)


def test_fill_mask_explains_a_mask_beyond_the_truncation_point(runtime):
    with pytest.raises(InputError, match="1 of the 2 masks come after the first 64 tokens"):
        run(runtime, "fill_mask", "[MASK] " + "the " * 100 + "[MASK]", 5)


def test_fill_mask_warns_when_text_after_the_masks_is_cut(runtime):
    (_, _, table), warnings = run(runtime, "fill_mask", "[MASK] " + "the " * 100, 5)
    assert len(table) == 5 and "tokens at the end were left out" in warnings[0]


@pytest.mark.parametrize("top_k", [0, 51, -1, 2.5, "many", None, float("nan")])
def test_fill_mask_top_k_out_of_range_names_the_range(runtime, top_k):
    with pytest.raises(InputError, match="top_k must be a whole number from 1 to 50"):
        run(runtime, "fill_mask", "The [MASK].", top_k)


# --- next sentence -----------------------------------------------------------------------------

def test_next_sentence_returns_isnext_and_notnext(runtime):
    (scores,), _ = run(runtime, "next_sentence", "I was hungry.", "So I ate.")
    assert set(scores) == {"IsNext", "NotNext"} and sum(scores.values()) == pytest.approx(1.0, abs=1e-5)


@pytest.mark.parametrize("favoured, expected", [(0, "IsNext"), (1, "NotNext")])
def test_nsp_logit_zero_means_b_follows_a(tiny_paths, worker, favoured, expected):
    """Tie the mapping to transformers' own definition: next_sentence_label 0 = continuation."""
    from demo.models import ModelRef

    loaded = load_model(ModelRef(str(tiny_paths["next_sentence"])), AutoModelForPreTraining, detect_placement())
    with torch.no_grad():
        loaded.model.cls.seq_relationship.bias[:] = torch.tensor([8.0, -8.0] if favoured == 0 else [-8.0, 8.0])
    scores = NextSentenceEngine(loaded, worker).judge("The sky is blue.", "The sun is out.").scores
    assert scores[expected] > 0.99
    encoded = loaded.tokenizer("The sky is blue.", "The sun is out.", return_tensors="pt")
    with torch.no_grad():
        losses = [
            loaded.model(**encoded, labels=encoded["input_ids"], next_sentence_label=torch.tensor([label])).loss.item()
            for label in (0, 1)
        ]
    # transformers documents next_sentence_label 0 as "sequence B is a continuation of sequence A":
    # the pretraining loss is lowest for the label our mapping calls IsNext.
    assert losses[0 if expected == "IsNext" else 1] + 10 < losses[1 if expected == "IsNext" else 0]


@pytest.mark.parametrize("a, b, which", [("", "fine", "Sentence A"), ("fine", "  ", "Sentence B"), (None, "x", "Sentence A")])
def test_next_sentence_needs_both_sentences(runtime, a, b, which):
    with pytest.raises(InputError, match=which):
        run(runtime, "next_sentence", a, b)


def test_next_sentence_cuts_huge_pairs_and_says_so(runtime):
    (scores,), warnings = run(runtime, "next_sentence", "the " * 200, "dog " * 200)
    assert set(scores) == {"IsNext", "NotNext"}
    assert "The two sentences together was too long" in warnings[0]


# --- generate ----------------------------------------------------------------------------------

def test_generate_streams_growing_text_that_starts_with_the_prompt(runtime):
    outs, _ = run(runtime, "generate", "Once upon a time", 20, 1.0, 1.0, 0, 1.0, 7)
    texts = [o[0] for o in outs]
    assert len(texts) > 2
    assert all(t.startswith("Once upon a time") for t in texts)
    assert all(len(b) >= len(a) for a, b in zip(texts, texts[1:]))


def test_generate_is_reproducible_with_a_seed(runtime):
    first, _ = run(runtime, "generate", "The movie", 15, 1.2, 0.9, 40, 1.0, 123)
    again, _ = run(runtime, "generate", "The movie", 15, 1.2, 0.9, 40, 1.0, 123)
    other, _ = run(runtime, "generate", "The movie", 15, 1.2, 0.9, 40, 1.0, 124)
    assert first[-1] == again[-1]
    assert first[-1] != other[-1]


def test_temperature_zero_is_greedy():
    assert GenerationSettings(temperature=0).generate_kwargs()["do_sample"] is False
    assert GenerationSettings(temperature=0.7).generate_kwargs()["do_sample"] is True


def test_stop_event_ends_the_generation(runtime):
    engine = runtime.engine("generate")
    prompt = engine.prepare("Once upon a time", 100)
    stop = threading.Event()
    settings = GenerationSettings(max_new_tokens=100, temperature=1.0, top_k=0, repetition_penalty=1.0)
    stream = engine.stream(prompt, settings, stop)
    next(stream)
    stop.set()
    rest = list(stream)
    assert len(rest) < 20
    deadline = time.monotonic() + 30  # the decoding loop ends right after the row it served
    while runtime.worker.long_job_running:
        assert time.monotonic() < deadline, "the inference thread was still decoding 30 s after Stop"
        time.sleep(0.01)


def test_the_visitors_stop_ends_a_generation_decoded_with_others(runtime):
    """The page's Stop sets its request scope's flag, not the stream's event: the batched decoder
    must read it too (it once decoded every asked token after Stop)."""
    engine = runtime.engine("generate")
    prompt = engine.prepare("Once upon a time", 200)
    settings = GenerationSettings(max_new_tokens=200, temperature=1.0, top_k=0, repetition_penalty=1.0)
    scope = RequestScope()
    stream = run_in_scope(scope, engine.stream, prompt, settings, threading.Event())
    run_in_scope(scope, next, stream)
    scope.stop_requested.set()
    rest = run_in_scope(scope, list, stream)
    assert len(rest) < 20


def test_a_long_prompt_keeps_its_end_and_warns(runtime):
    outs, warnings = run(runtime, "generate", "Once upon a time " * 400, 10)
    assert "tokens at the start were left out" in warnings[0]
    assert outs[-1][0].startswith("Once upon a time " * 400)


@pytest.mark.parametrize("field, value, message", [
    ("max_new_tokens", 0, "max_new_tokens must be a whole number from 1 to 512"),
    ("max_new_tokens", -1, "from 1 to 512"),
    ("max_new_tokens", 10**9, "from 1 to 512"),
    ("temperature", -0.5, "temperature must be a number from 0 to 2"),
    ("temperature", float("nan"), "temperature must be a number from 0 to 2"),
    ("top_p", 0, "top_p must be a number from 0.01 to 1"),
    ("top_p", 1.5, "top_p must be a number from 0.01 to 1"),
    ("top_k", -1, "top_k must be a whole number from 0 to 200"),
    ("repetition_penalty", 0.5, "repetition_penalty must be a number from 1 to 2"),
    ("seed", "abc", "seed must be a whole number"),
])
def test_generation_settings_out_of_range_name_the_allowed_range(runtime, field, value, message):
    values = {"max_new_tokens": 5, "temperature": 1.0, "top_p": 1.0, "top_k": 0, "repetition_penalty": 1.0, "seed": 0}
    values[field] = value
    with pytest.raises(InputError, match=message):
        run(runtime, "generate", "Hello", *values.values())


@pytest.mark.parametrize("top_k, temperature", [(0, 1.0), (50, 0.0)])
def test_generation_edge_settings_that_are_valid_work(runtime, top_k, temperature):
    outs, _ = run(runtime, "generate", "Hello", 5, temperature, 1.0, top_k, 1.0, 0)
    assert outs[-1][0].startswith("Hello")


def test_pair_fitting_cuts_the_longer_sentence_first(runtime):
    from demo.engines.bert import fit_pair

    tokenizer = runtime.engine("next_sentence").loaded.tokenizer
    assert fit_pair(tokenizer, "the dog", "the cat", 10) == ("the dog", "the cat", 0)
    short, long_cut, dropped = fit_pair(tokenizer, "the dog", "the cat " * 20, 10)
    assert short == "the dog" and long_cut == "the cat the cat the cat the cat" and dropped == 32
    a, b, dropped = fit_pair(tokenizer, "dog " * 30, "cat " * 30, 10)
    assert (a, b, dropped) == ("dog dog dog dog dog", "cat cat cat cat cat", 50)


def test_streamed_pieces_add_up_to_the_decoded_output_token_by_token(runtime):
    """Text flows per token (not per word), and nothing shown is ever taken back or changed: the
    pieces add up to what `generate` decodes for the same tokens (greedy: the same choices)."""
    engine = runtime.engine("generate")
    tokenizer, model = engine.loaded.tokenizer, engine.loaded.model
    prompt = engine.prepare("Once upon a time", 40)
    settings = GenerationSettings(max_new_tokens=40, temperature=0.0, repetition_penalty=2.0)  # varied tokens
    pieces = list(engine.stream(prompt, settings, threading.Event()))
    with torch.inference_mode():
        output = model.generate(input_ids=prompt.input_ids, attention_mask=torch.ones_like(prompt.input_ids),
                                pad_token_id=tokenizer.eos_token_id, **settings.generate_kwargs())
    new_tokens = output[0, prompt.input_ids.shape[1]:]
    assert "".join(pieces) == tokenizer.decode(new_tokens, skip_special_tokens=True)
    assert sum(1 for piece in pieces if piece) >= len(new_tokens) // 2


def test_a_seed_repeats_its_sample_alone_or_beside_other_visitors(runtime):
    """Each generation samples from its own seeded generator, so the same seed gives the same text
    whether it decodes alone or in a batch with others (their settings differ), and another seed
    gives another text."""
    from concurrent.futures import ThreadPoolExecutor

    engine = runtime.engine("generate")

    def text(seed: int, temperature: float = 1.0, prompt: str = "Once upon a time") -> str:
        settings = GenerationSettings(max_new_tokens=30, temperature=temperature, top_k=0, seed=seed)
        return "".join(engine.stream(engine.prepare(prompt, 30), settings, threading.Event()))

    alone = text(7)
    with ThreadPoolExecutor(4) as pool:
        together = list(pool.map(lambda args: text(*args), [(7,), (8, 0.5, "Hello"), (9, 0.0, "The end"), (7,)]))
    assert together[0] == together[3] == alone
    assert text(8) != alone


@pytest.mark.parametrize("key", ["sentiment", "fill_mask", "next_sentence", "generate", "classify"])
def test_every_explanation_exists_for_both_profiles_and_its_formulas_are_well_formed(key):
    from demo.i18n import localize

    task = get_task(key)
    for text in (task.summary, task.embedded_summary, task.how_it_works, task.embedded_how_it_works):
        assert text.strip()
        assert localize(text, "zh-CN") != text, "said in English on the Chinese page"
        assert not [c for c in text if ord(c) < 32 and c != "\n"], "a backslash sequence became a control character"
        assert text.count("\\left") == text.count("\\right") and text.count("$$") % 2 == 0
    assert "Gemma" in task.embedded_summary


def test_a_generation_gives_the_thread_to_a_waiting_long_job_and_resumes_where_it_was(runtime, monkeypatch):
    """A long job (an explanation) submitted while generations decode runs within a slice, not after
    their last token; the paused generation then goes on from its kept cache, token for token the
    same as alone."""
    from concurrent.futures import ThreadPoolExecutor

    from demo.engines import decoding

    engine, worker = runtime.engine("generate"), runtime.worker
    settings = GenerationSettings(max_new_tokens=400, temperature=0.0, repetition_penalty=2.0)

    def generate(pieces: list) -> str:
        for piece in engine.stream(engine.prepare("Once upon a time", 400), settings, threading.Event()):
            pieces.append(piece)
        return "".join(pieces)

    alone = generate([])
    monkeypatch.setattr(decoding, "SLICE_S", 0.05)
    pieces: list = []
    with ThreadPoolExecutor(1) as pool:
        text = pool.submit(generate, pieces)
        deadline = time.monotonic() + 30
        while len(pieces) < 5:
            assert time.monotonic() < deadline, "the generation never started"
            time.sleep(0.005)
        ran_at = worker.call(lambda: len(pieces), long=True)
        assert ran_at < 300 and not text.done()  # it ran while the generation still had tokens to make
        assert text.result(timeout=60) == alone
