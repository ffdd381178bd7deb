"""Concurrent generations of one model decoded together, each with its own settings, seed and Stop.

A small causal model on a CPU is memory-bound: one decoding step reads every weight whether it
serves one sequence or sixteen, so a room of visitors pressing Generate is answered several times
faster in one batch than one after another (Gemma 3 270M through this engine: 17.1 tokens/s for one
visitor, 50.9 in all for 8; `python -m bench.room --generation-only`). Requests that arrive together form a *group*, one left-padded
batch with its own KV cache; a request that arrives while groups decode starts a new group at the
next step (no re-reading of the others' prompts), and every group advances one token per round.
A finished or stopped row leaves its group at once (its cache rows are dropped).

All of it is one long job on the inference thread: between two groups' steps it answers the short
requests waiting for the thread. While another long job (an explanation) waits, after `SLICE_S`
the loop gives the thread up: its groups, caches and all, wait here
while the other job runs, and resume at the loop's next turn (a 512-token generation once held
the thread for a minute while a fill-mask request waiting behind it was answered "busy").
"""

from __future__ import annotations

import contextvars
import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field

import torch

from demo.engines.types import GREEDY_BELOW, GenerationSettings
from demo.inference import InferenceWorker
from demo.scope import RequestScope, current_scope

log = logging.getLogger(__name__)

ALTERNATIVES = 5  # the likeliest tokens shown for each generated one
MAX_ROWS = 16  # sequences decoded at once (more wait in the page's queue, with their place shown)
MAX_TOKENS = 8_192  # prompt + new tokens of every row decoding at once: the KV caches' bound
SLICE_S = 2.0  # while another long job waits, the generations give the thread up after this long
# a first row waits this long for company: a room's presses arrive milliseconds apart, and rows that
# start apart decode as separate groups, each step a pass of its own (8 visitors: 2 groups, 80 passes
# instead of 40)
GATHER_S = 0.05


class RowFuture(Future):
    """A row's outcome; `paused` while its group waits for the thread (no token timeout runs then)."""

    paused = False


@dataclass(eq=False)
class Row:
    """One visitor's generation: its prompt, settings, where its tokens go, and its Stop."""

    prompt_ids: list[int]
    settings: GenerationSettings
    emit: Callable[[int, float, list], None]  # each new token, its probability, the likeliest [(id, p)]
    end: Callable[[], None]  # the stream is over (also after a failure)
    stop: threading.Event
    scope: RequestScope | None = field(default_factory=current_scope)
    future: RowFuture = field(default_factory=RowFuture)
    tokens: list[int] = field(default_factory=list)  # prompt and new tokens: the repetition penalty's view

    def __post_init__(self) -> None:
        self.tokens = list(self.prompt_ids)
        self.generator = torch.Generator().manual_seed(self.settings.seed)
        self.new_tokens = 0
        self.started = time.perf_counter()

    def finish(self, failure: BaseException | None = None) -> None:
        """End the stream and hand its reader the outcome."""
        self.end()
        if failure is not None:
            self.future.set_exception(failure)
            return
        self.future.set_result(None)
        log.info("generation ended after %.2f s (stopped early: %s)", time.perf_counter() - self.started,
                 self.unwanted())

    @property
    def size(self) -> int:
        return len(self.prompt_ids) + self.settings.max_new_tokens

    def unwanted(self) -> bool:
        """Its stream was left, its request went away, or its visitor pressed Stop."""
        scope = self.scope
        return self.stop.is_set() or (scope is not None and (scope.cancelled.is_set() or scope.stop_requested.is_set()))


class Group:
    """Rows that started together: one left-padded batch and its cache."""

    def __init__(self, rows: list[Row], pad_id: int):
        longest = max(len(row.tokens) for row in rows)
        self.rows = rows
        self.input_ids = torch.tensor([[pad_id] * (longest - len(r.tokens)) + r.tokens for r in rows])
        self.mask = torch.tensor([[0] * (longest - len(r.tokens)) + [1] * len(r.tokens) for r in rows])
        self.positions = (self.mask.cumsum(-1) - 1).clamp(min=0)
        self.cache = None
        self.seen = 0  # positions already in the cache

    def step(self, model) -> torch.Tensor:
        """One forward pass: the next-token logits of every row, as float32 [rows, vocabulary]."""
        length = self.input_ids.shape[1]
        device = model.device
        out = model(input_ids=self.input_ids.to(device), attention_mask=self.mask.to(device),
                    position_ids=self.positions.to(device), past_key_values=self.cache, use_cache=True,
                    cache_position=torch.arange(self.seen, self.seen + length, device=device), logits_to_keep=1)
        self.cache, self.seen = out.past_key_values, self.seen + length
        return out.logits[:, -1].float().cpu()

    def advance(self, chosen: list[int], keep: list[int]) -> None:
        """Feed each kept row's new token next; drop the other rows from the batch and its cache."""
        last = self.positions[:, -1:] + 1
        if len(keep) < len(self.rows):
            index = torch.tensor(keep)
            self.cache.batch_select_indices(index)
            self.mask, last = self.mask[index], last[index]
            self.rows = [self.rows[i] for i in keep]
            chosen = [chosen[i] for i in keep]
        self.input_ids = torch.tensor(chosen).unsqueeze(1)
        self.mask = torch.cat([self.mask, torch.ones(len(keep), 1, dtype=self.mask.dtype)], dim=1)
        self.positions = last


def next_tokens(rows: list[Row], logits: torch.Tensor) -> list[int]:
    """Each row's next token under its own settings, as `generate` chooses it: repetition penalty,
    then greedy below `GREEDY_BELOW`, else temperature, top-k, top-p, and a draw from the row's own
    generator. One tensor operation for all the rows where the rows can share it: a memory-bound
    model's step serves eight rows in little more time than one, so eight rows' choices made one by
    one over a 262k vocabulary were a third of the step. Top-p runs over the top-k candidates only
    (the same set: every other token is already out), so no row sorts the vocabulary unless its
    top-k is off."""
    scores = logits.clone()
    for index, row in enumerate(rows):
        penalty = row.settings.repetition_penalty
        if penalty != 1.0:
            seen = torch.tensor(sorted(set(row.tokens)))
            picked = scores[index, seen]
            scores[index, seen] = torch.where(picked < 0, picked * penalty, picked / penalty)
    chosen = [0] * len(rows)
    greedy = [i for i, row in enumerate(rows) if row.settings.temperature < GREEDY_BELOW]
    for i, token in zip(greedy, scores[greedy].argmax(-1).tolist() if greedy else [], strict=True):
        chosen[i] = token
    sampled = sorted(set(range(len(rows))) - set(greedy))
    if not sampled:
        return chosen
    settings = [rows[i].settings for i in sampled]
    scaled = scores[sampled] / torch.tensor([[s.temperature] for s in settings])
    vocabulary = scaled.shape[-1]
    ks = [s.top_k if 0 < s.top_k < vocabulary else vocabulary for s in settings]
    values, candidates = scaled.topk(max(ks)) if max(ks) < vocabulary else scaled.sort(descending=True)
    beyond_k = torch.arange(values.shape[-1])[None, :] >= torch.tensor(ks)[:, None]
    values = values.masked_fill(beyond_k, float("-inf"))
    probabilities = values.softmax(-1)
    before = probabilities.cumsum(-1) - probabilities  # the mass of the likelier candidates
    top_p = torch.tensor([[s.top_p if s.top_p < 1.0 else float("inf")] for s in settings])
    values = values.masked_fill(before >= top_p, float("-inf"))  # the likeliest always stays
    for row_index, i in enumerate(sampled):
        draw = torch.multinomial(values[row_index].softmax(-1), 1, generator=rows[i].generator)
        chosen[i] = int(candidates[row_index, draw])
    return chosen


class BatchedDecoder:
    """The generations of one model in flight: rows join, decode together, and leave."""

    def __init__(self, model, tokenizer, worker: InferenceWorker, max_rows: int = MAX_ROWS,
                 max_tokens: int = MAX_TOKENS):
        self.model, self.worker, self.max_rows, self.max_tokens = model, worker, max_rows, max_tokens
        self.pad_id = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else (tokenizer.eos_token_id or 0)
        eos = model.generation_config.eos_token_id if model.generation_config is not None else None
        eos = tokenizer.eos_token_id if eos is None else eos
        self.eos = set(eos if isinstance(eos, list) else [] if eos is None else [eos])
        self._pending: list[Row] = []
        self._paused: list[Group] = []  # groups whose turn on the thread ended, resumed by the next loop
        self._lock = threading.Lock()
        self._looping = False

    def submit(self, row: Row) -> Future:
        """Queue a row; it starts with the next group. Its future runs while it decodes."""
        with self._lock:
            self._pending.append(row)
            if not self._looping:
                self._looping = True
                # outside any request's scope: one visitor's cancel must not cancel the others' loop
                contextvars.Context().run(self.worker.start, self._loop)
        return row.future

    def _loop(self) -> None:
        groups, self._paused = self._paused, []
        for row in (row for group in groups for row in group.rows):
            row.future.paused = False
        if not groups:
            time.sleep(GATHER_S)
        started = time.monotonic()
        try:
            while True:
                fresh = self._admit(groups)
                if fresh:
                    groups.append(Group(fresh, self.pad_id))
                if not groups:
                    return
                for group in list(groups):
                    self._step(group)
                    if not group.rows:
                        groups.remove(group)
                    self.worker.serve_waiting()
                if groups and time.monotonic() - started > SLICE_S and self.worker.long_job_waiting():
                    self._paused = groups  # their caches wait here; the loop goes to the back of the line
                    for row in (row for group in groups for row in group.rows):
                        row.future.paused = True
                    return
        finally:
            with self._lock:
                self._looping = False
                restart = bool(self._pending or self._paused)
                if restart:
                    self._looping = True
            if restart:  # rows that arrived as the loop ended, waited for another long job, or were paused
                contextvars.Context().run(self.worker.start, self._loop)

    def _admit(self, groups: list[Group]) -> list[Row]:
        """The pending rows that start now: within the row and token bounds, none cancelled. They
        join while other long jobs wait too: the slices keep those jobs' turn (a room's generations
        once waited for every paused row to finish and were answered "busy")."""
        rows = [row for group in groups for row in group.rows]
        room, tokens = self.max_rows - len(rows), sum(row.size for row in rows)
        fresh: list[Row] = []
        with self._lock:
            for row in list(self._pending):
                if len(fresh) >= room or (tokens + row.size > self.max_tokens and (rows or fresh)):
                    break
                self._pending.remove(row)
                if row.future.set_running_or_notify_cancel():  # False: it gave up waiting (busy)
                    row.started = time.perf_counter()
                    fresh.append(row)
                    tokens += row.size
        return fresh

    @torch.inference_mode()
    def _step(self, group: Group) -> None:
        try:
            logits = group.step(self.model)
        except BaseException as exc:  # the rows' readers get the failure through their futures
            for row in group.rows:
                row.finish(exc)
            group.rows = []
            return
        # what the page shows of each token: the model's own distribution, before any setting reshapes it
        probabilities = logits.softmax(-1)
        likeliest = probabilities.topk(ALTERNATIVES)
        chosen, keep = next_tokens(group.rows, logits), []
        for index, row in enumerate(group.rows):
            token = -1 if row.unwanted() else chosen[index]
            done = token < 0 or token in self.eos
            if not done:
                row.tokens.append(token)
                row.new_tokens += 1
                row.emit(token, probabilities[index, token].item(),
                         list(zip(likeliest.indices[index].tolist(), likeliest.values[index].tolist(), strict=True)))
                done = row.new_tokens >= row.settings.max_new_tokens
            if done:
                row.finish()
            else:
                keep.append(index)
            chosen[index] = max(token, 0)
        if keep:
            group.advance(chosen, keep)
        else:
            group.rows = []
