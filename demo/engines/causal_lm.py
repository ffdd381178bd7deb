"""The classic causal language model (GPT-2 by default): streamed generation and token scoring
on the inference thread."""

from __future__ import annotations

import logging
import math
import queue
import threading
import time
from collections.abc import Iterator

import torch
from transformers import StoppingCriteria, StoppingCriteriaList, TextIteratorStreamer

from demo.engines import lens
from demo.engines.decoding import BatchedDecoder, Row
from demo.engines.gemma.scoring import softcap
from demo.engines.types import GenerationSettings, Piece, Prompt, Scored
from demo.errors import InputError
from demo.inference import LONG_JOB_BUDGET_S, Busy, InferenceWorker
from demo.models import LoadedModel, outside_base
from demo.engines.base import ClassicEngine

log = logging.getLogger(__name__)

CONTEXT_CAP = 1024  # prompt + new tokens; a longer prefill holds the inference thread for seconds on a CPU
TOKEN_TIMEOUT_S = 120.0  # a generation that started but stalled ends the stream instead of hanging it
POLL_S = 0.25
ALTERNATIVES = 5  # likeliest tokens shown for each generated one
SCORE_POSITIONS = 64  # positions sent through the output layer at once when scoring a text


class StopOnEvent(StoppingCriteria):
    """Ends `generate` at the next token once the event is set (Stop button, closed client)."""

    def __init__(self, event: threading.Event):
        self.event = event

    def __call__(self, input_ids, scores, **kwargs):
        return torch.full((input_ids.shape[0],), self.event.is_set(), dtype=torch.bool, device=input_ids.device)



class TokenStreamer(TextIteratorStreamer):
    """Hands out each new token's text at once (the base class holds text back until a space),
    with its probability when `record` is the model's forward hook.

    Only a trailing half of a multi-byte character (decoded as U+FFFD) waits for the next token.
    """

    def __init__(self, tokenizer, **kwargs):
        super().__init__(tokenizer, **kwargs)
        self.next_logits: torch.Tensor | None = None
        self.known: tuple[float, list[tuple[int, float]]] | None = None  # computed with its batch, when it was
        self._pending = Piece("")

    def record(self, module, args, output) -> None:
        """Forward hook: keep the newest next-token logits (cheap; read only in `put`).

        Between two tokens the inference thread may run other requests' passes through the same
        model; the generation's own pass always comes last before its token reaches `put`."""
        self.next_logits = output.logits[:, -1].clone()  # a copy: a view would keep a whole prefill's logits

    def put(self, value):
        if self.skip_prompt and self.next_tokens_are_prompt:
            self.next_tokens_are_prompt = False
            return
        ids = value.reshape(-1).tolist()
        self._note(ids[0])
        self.token_cache.extend(ids)
        text = self.tokenizer.decode(self.token_cache, **self.decode_kwargs)
        if text.endswith("\ufffd"):
            return
        printable, self.print_len = text[self.print_len :], len(text)
        if text.endswith("\n"):  # as the base class does: keep each decode short
            self.token_cache, self.print_len = [], 0
        self.on_finalized_text(printable)

    def _note(self, token_id: int) -> None:
        pending = self._pending
        probability, alternatives = pending.probability, pending.alternatives
        if self.known is not None:  # a batched step computed them for all its rows at once
            (chosen, likeliest), self.known = self.known, None
        elif self.next_logits is not None:
            probs = self.next_logits[0].float().softmax(-1)
            chosen = probs[token_id].item()
            top = probs.topk(ALTERNATIVES)
            likeliest = list(zip(top.indices.tolist(), top.values.tolist(), strict=True))
        else:
            likeliest = None
        if likeliest is not None:
            probability = chosen if probability is None else probability * chosen
            if not alternatives:
                alternatives = tuple((self.tokenizer.decode([i]), p) for i, p in likeliest)
        self._pending = Piece("", probability, alternatives, pending.tokens + 1)

    def on_finalized_text(self, text: str, stream_end: bool = False):
        pending, self._pending = self._pending, Piece("")
        if text:
            self.text_queue.put(Piece(text, pending.probability, pending.alternatives, pending.tokens),
                                timeout=self.timeout)
        if stream_end:
            self.text_queue.put(self.stop_signal, timeout=self.timeout)


class Checkpoint(StoppingCriteria):
    """Between two tokens: let the inference thread answer waiting requests, and stop once the
    request that asked for this generation went away or pressed Stop."""

    def __init__(self, worker: InferenceWorker):
        self.worker = worker

    def __call__(self, input_ids, scores, **kwargs):
        self.worker.serve_waiting()
        stop = self.worker.should_stop()
        return torch.full((input_ids.shape[0],), stop, dtype=torch.bool, device=input_ids.device)



class CausalLMEngine(ClassicEngine):
    """A left-to-right language model (GPT-2 by default), streamed from the inference thread."""

    auto_model = "AutoModelForCausalLM"
    head_hint = "a checkpoint with a language-modelling head, such as GPT-2"
    capabilities = frozenset({"score", "attend", "lens"})
    lens_reads = lens.NEXT_TOKEN
    missing_head = staticmethod(outside_base)

    def __init__(self, loaded: LoadedModel, worker: InferenceWorker):
        self.loaded = loaded
        self.worker = worker
        self._decoder: BatchedDecoder | None = None  # made at the first generation

    def score(self, text: str) -> Scored:
        """Each token's probability given what precedes it (the BOS token where the model has one)."""
        tokenizer = self.loaded.tokenizer
        encoded = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)
        ids, spans = encoded["input_ids"], encoded["offset_mapping"]
        context = min(self.loaded.max_length, CONTEXT_CAP)
        # the first token is scored after the BOS token (GPT-2's <|endoftext|>, its document separator)
        bos = [] if tokenizer.bos_token_id is None else [tokenizer.bos_token_id]
        if len(bos) + len(ids) > context:
            raise InputError(f"The text is {len(ids):,} tokens long; scoring takes texts of up to "
                             f"{context - len(bos):,} tokens. Please shorten it.")
        results = self.worker.call(self._score, bos + ids, long=True, budget_s=LONG_JOB_BUDGET_S)
        steps = results if bos else [None, *results]
        pieces: list[Piece] = []
        end = 0
        for index, ((_, stop), step) in enumerate(zip(spans, steps, strict=True)):
            piece_text = text[end:stop] if index < len(spans) - 1 else text[end:]
            end = max(end, stop)
            probability, alternatives = step if step is not None else (None, ())
            if not piece_text and pieces:  # a character split over several tokens: one piece
                last = pieces[-1]
                joined = None if last.probability is None or probability is None else last.probability * probability
                pieces[-1] = Piece(last, joined, last.alternatives, last.tokens + 1)
                continue
            pieces.append(Piece(piece_text, probability, alternatives, 1))
        scored = [step[0] for step in steps if step is not None]
        perplexity = math.exp(-sum(math.log(max(p, 1e-45)) for p in scored) / len(scored)) if scored else None
        return Scored(pieces, perplexity)

    @torch.inference_mode()
    def _score(self, ids: list[int]) -> list[tuple[float, tuple[tuple[str, float], ...]]]:
        """For each token after the first: its probability and the likeliest tokens at its place."""
        model, tokenizer = self.loaded.model, self.loaded.tokenizer
        hidden = model.get_decoder()(input_ids=torch.tensor([ids], device=model.device)).last_hidden_state[0, :-1]
        head = model.get_output_embeddings()
        targets = ids[1:]
        out = []
        for start in range(0, len(targets), SCORE_POSITIONS):
            self.worker.checkpoint()
            logits = softcap(model, head(hidden[start : start + SCORE_POSITIONS]).float())
            probs = logits.softmax(-1)
            top = probs.topk(ALTERNATIVES)
            for row, target in enumerate(targets[start : start + SCORE_POSITIONS]):
                alternatives = tuple((tokenizer.decode([i]), p) for p, i in
                                     zip(top.values[row].tolist(), top.indices[row].tolist(), strict=True))
                out.append((probs[row, target].item(), alternatives))
        return out

    def layers(self, prompt: str) -> dict:
        """The next token after the prompt as each layer would answer it (`demo.engines.lens`); the
        prompt is read as generation reads it, with the model's special tokens."""
        ids = self.loaded.tokenizer(prompt)["input_ids"]
        lens.require_short(ids, "prompts")
        probabilities = self.worker.call(lens.causal_layers, self.loaded, ids, self.worker.checkpoint, long=True,
                                         budget_s=LONG_JOB_BUDGET_S)
        return lens.table(self.loaded.tokenizer, lens.Layers(probabilities, self.lens_reads, len(ids)))

    def ignored_settings(self, settings: GenerationSettings) -> list[str]:
        """Every setting applies to a local model (a remote engine may ignore some)."""
        return []

    def prepare(self, prompt: str, max_new_tokens: int) -> Prompt:
        """Tokenize, keeping the end of a prompt too long for the context (and its BOS token).

        The context holds prompt and new tokens. When both do not fit, new tokens are lowered to what
        fits after the prompt, but not below half the context; then the prompt's start is cut.
        """
        tokenizer = self.loaded.tokenizer
        context = min(self.loaded.max_length, CONTEXT_CAP)
        ids = tokenizer(prompt, return_tensors="pt")["input_ids"][0]
        if len(ids) + max_new_tokens > context:
            max_new_tokens = max(context - len(ids), min(max_new_tokens, context // 2))
        budget = context - max_new_tokens
        dropped = max(0, len(ids) - budget)
        if dropped:
            bos = tokenizer.bos_token_id
            keeps_bos = bos is not None and ids[0].item() == bos and budget > 1
            tail = ids[len(ids) - budget + (1 if keeps_bos else 0) :]
            ids = torch.cat([ids[:1], tail]) if keeps_bos else tail
        return Prompt(ids.unsqueeze(0), dropped, budget, max_new_tokens, context)

    def stream(self, prompt: Prompt, settings: GenerationSettings, stop: threading.Event) -> Iterator[Piece]:
        """Text pieces as the inference thread produces them, each with its probability; setting
        `stop` ends it at the next token. Where the worker decodes concurrent generations together
        (`batches_generation`), this one joins them; else it runs alone through `generate`."""
        streamer = TokenStreamer(self.loaded.tokenizer, skip_prompt=True, skip_special_tokens=True)
        start = self._join_batch if self.worker.batches_generation else self._run_alone
        job = start(prompt, settings, stop, streamer)
        finished = False
        try:
            yield from self._read(streamer, job)
            finished = True
        finally:
            if not finished:  # the reader left early (Stop, closed client): end at the next token
                stop.set()
                job.cancel()
        job.result(timeout=TOKEN_TIMEOUT_S)  # re-raises a failure of the generation

    def _join_batch(self, prompt: Prompt, settings: GenerationSettings, stop: threading.Event,
                    streamer: TokenStreamer):
        if self._decoder is None:
            self._decoder = BatchedDecoder(self.loaded.model, self.loaded.tokenizer, self.worker)
        streamer.next_tokens_are_prompt = False

        def emit(token: int, probability: float, likeliest: list[tuple[int, float]]) -> None:
            streamer.known = (probability, likeliest)
            streamer.put(torch.tensor([token]))

        return self._decoder.submit(Row(prompt.input_ids[0].tolist(), settings, emit, streamer.end, stop))

    def _run_alone(self, prompt: Prompt, settings: GenerationSettings, stop: threading.Event,
                   streamer: TokenStreamer):
        tokenizer, model = self.loaded.tokenizer, self.loaded.model
        input_ids = prompt.input_ids.to(model.device)
        kwargs = settings.generate_kwargs() | {
            "input_ids": input_ids,
            "attention_mask": torch.ones_like(input_ids),
            "streamer": streamer,
            "stopping_criteria": StoppingCriteriaList([StopOnEvent(stop), Checkpoint(self.worker)]),
            "pad_token_id": tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id,
        }

        def work() -> None:
            started = time.perf_counter()
            hook = model.register_forward_hook(streamer.record)
            try:
                with torch.inference_mode():
                    torch.manual_seed(settings.seed)  # safe: the worker runs one long job at a time
                    model.generate(**kwargs)
            except BaseException:
                streamer.end()  # unblocks the reader; the failure reaches it through the job's result
                raise
            finally:
                hook.remove()
                log.info("generation ended after %.2f s (stopped early: %s)",
                         time.perf_counter() - started, stop.is_set())

        return self.worker.start_streaming(work, streamer.text_queue)

    def _read(self, streamer: TokenStreamer, job) -> Iterator[Piece]:
        """The streamer's pieces. While the job waits its turn no token timeout runs; a job that
        cannot start in time is dropped with `Busy`; a started one that stalls ends the stream."""
        queued_since = last_token = time.monotonic()
        while True:
            try:
                piece = streamer.text_queue.get(timeout=POLL_S)
            except queue.Empty:
                now = time.monotonic()
                if job.done():
                    return
                if not job.running() or getattr(job, "paused", False):  # waiting for its turn, or paused
                    if now - queued_since > self.worker.start_timeout_s and job.cancel():
                        raise Busy() from None
                    last_token = now
                elif now - last_token > TOKEN_TIMEOUT_S:
                    raise RuntimeError(f"no token for {TOKEN_TIMEOUT_S:.0f} s") from None
                continue
            if piece is streamer.stop_signal:
                return
            last_token = time.monotonic()
            yield piece
