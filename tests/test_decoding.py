"""The batched decoder's promises, each held by a test that fails without it: rows that arrive together
share one forward pass per step; every row, of whatever prompt length, equals `model.generate` greedy
token for token, one that finishes early and one that joins late included; a visitor's Stop ends its
row while the others decode on, unchanged (tiny GPT-2, real transformers code, a decoder of its own)."""

from __future__ import annotations

import threading
import time

import pytest
import torch
from transformers import AutoModelForCausalLM

from demo.engines.decoding import BatchedDecoder, Row
from demo.engines.types import GenerationSettings
from demo.inference import InferenceWorker
from demo.models import ModelRef, detect_placement, load_model

PROMPTS = ["Once upon a time", "The old man walked along the quiet river bank and the evening", "Hello there"]


class Counted:
    """The model, its forward passes counted and each slowed a little (so no race decides a test)."""

    def __init__(self, model, pause_s: float = 0.0):
        self.model, self.pause_s, self.passes = model, pause_s, 0

    def __getattr__(self, name):
        return getattr(self.model, name)

    def __call__(self, *args, **kwargs):
        self.passes += 1
        time.sleep(self.pause_s)
        return self.model(*args, **kwargs)


@pytest.fixture(scope="module")
def tiny_lm(tiny_paths):
    return load_model(ModelRef(str(tiny_paths["generate"])), AutoModelForCausalLM, detect_placement())


def ids(loaded, text: str) -> list[int]:
    return loaded.tokenizer(text)["input_ids"]


def greedy(loaded, prompt: list[int], new: int) -> list[int]:
    """What `model.generate` makes of the prompt alone, greedy."""
    with torch.inference_mode():
        out = loaded.model.generate(input_ids=torch.tensor([prompt]), attention_mask=torch.ones(1, len(prompt)),
                                    max_new_tokens=new, do_sample=False, repetition_penalty=1.0,
                                    pad_token_id=loaded.tokenizer.eos_token_id)
    return out[0, len(prompt):].tolist()


def row(prompt: list[int], new: int, made: list[int], stop: threading.Event | None = None) -> Row:
    settings = GenerationSettings(max_new_tokens=new, temperature=0.0, repetition_penalty=1.0)
    return Row(prompt, settings, lambda token, p, likeliest: made.append(token), lambda: None,
               stop or threading.Event())


def held(worker: InferenceWorker) -> threading.Event:
    """The inference thread kept busy until the event is set: rows submitted meanwhile arrive together."""
    started, release = threading.Event(), threading.Event()
    worker.start(lambda: (started.set(), release.wait(30)))
    assert started.wait(30)
    return release


def test_rows_that_arrive_together_share_one_pass_per_step_and_each_equals_generate(tiny_lm):
    """Three prompts of different lengths, one finishing early: one forward pass per step for all of
    them (each row in a group of its own would take 12 + 12 + 4), and each row's tokens are what
    `model.generate` makes of its prompt alone (left padding that moved a row's positions changes them)."""
    model = Counted(tiny_lm.model)
    worker = InferenceWorker()
    decoder = BatchedDecoder(model, tiny_lm.tokenizer, worker)
    prompts, news = [ids(tiny_lm, text) for text in PROMPTS], [12, 12, 4]
    assert len({len(prompt) for prompt in prompts}) == 3
    made: list[list[int]] = [[], [], []]
    release = held(worker)
    futures = [decoder.submit(row(prompt, new, out)) for prompt, new, out in zip(prompts, news, made, strict=True)]
    release.set()
    for future in futures:
        future.result(timeout=60)
    for prompt, new, out in zip(prompts, news, made, strict=True):
        assert out == greedy(tiny_lm, prompt, new)
    assert model.passes == max(len(out) for out in made)  # one pass per step, shared by every row


def test_a_row_that_joins_while_others_decode_equals_generate_and_they_are_unchanged(tiny_lm):
    model = Counted(tiny_lm.model, pause_s=0.02)
    worker = InferenceWorker()
    decoder = BatchedDecoder(model, tiny_lm.tokenizer, worker)
    first, late = ids(tiny_lm, PROMPTS[1]), ids(tiny_lm, PROMPTS[0])
    made_first, made_late = [], []
    running = decoder.submit(row(first, 30, made_first))
    deadline = time.monotonic() + 30
    while len(made_first) < 5:
        assert time.monotonic() < deadline, "the first row never started"
        time.sleep(0.005)
    joined = decoder.submit(row(late, 10, made_late))
    joined.result(timeout=60)
    assert len(made_first) < 30  # it joined while the first still decoded
    running.result(timeout=60)
    assert made_late == greedy(tiny_lm, late, 10)
    assert made_first == greedy(tiny_lm, first, 30)


def test_a_visitors_stop_ends_its_row_while_two_others_decode_on_unchanged(tiny_lm):
    model = Counted(tiny_lm.model, pause_s=0.02)  # a step of 20 ms: Stop is read at the next one
    worker = InferenceWorker()
    decoder = BatchedDecoder(model, tiny_lm.tokenizer, worker)
    prompts = [ids(tiny_lm, text) for text in PROMPTS]
    made: list[list[int]] = [[], [], []]
    stop = threading.Event()
    release = held(worker)
    futures = [decoder.submit(row(prompt, 40, out, stop if i == 0 else None))
               for i, (prompt, out) in enumerate(zip(prompts, made, strict=True))]
    release.set()
    deadline = time.monotonic() + 30
    while len(made[0]) < 5:
        assert time.monotonic() < deadline, "the rows never started"
        time.sleep(0.005)
    stop.set()
    stopped_at = len(made[0])
    futures[0].result(timeout=60)
    assert len(made[0]) <= stopped_at + 1  # ended at its next step
    for future in futures[1:]:
        future.result(timeout=60)
    assert len(made[1]) > stopped_at + 1 and len(made[2]) > stopped_at + 1  # the others went on
    assert made[1] == greedy(tiny_lm, prompts[1], 40) and made[2] == greedy(tiny_lm, prompts[2], 40)
