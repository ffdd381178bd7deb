"""Generate: continue a prompt, streamed token by token, stoppable at any moment."""

from __future__ import annotations

import logging
import math
import queue
import threading
import time
from contextlib import closing
from collections.abc import Iterator
from dataclasses import dataclass, replace

import gradio as gr
import torch
from transformers import StoppingCriteria, StoppingCriteriaList, TextIteratorStreamer

from demo.errors import InputError
from demo.i18n import say, ui_text
from demo.inference import LONG_JOB_BUDGET_S, Busy, InferenceWorker
from demo.models import LoadedModel
from demo.tasks.base import CheckedNumber, CheckedSlider, Explanation, Param, Task, Warn, cut_note, require_number, require_text
from demo.views import continuation, legend_scored, legend_tokens, percent
from demo.zeroshot.scoring import softcap

log = logging.getLogger(__name__)

MAX_NEW_TOKENS = (1, 512)
TEMPERATURE = (0.0, 2.0)
TOP_P = (0.01, 1.0)
TOP_K = (0, 200)
REPETITION_PENALTY = (1.0, 2.0)
SEED = (0, 2**31 - 1)
CONTEXT_CAP = 1024  # prompt + new tokens; a longer prefill holds the inference thread for seconds on a CPU
TOKEN_TIMEOUT_S = 120.0  # a generation that started but stalled ends the stream instead of hanging it
POLL_S = 0.25
GREEDY_BELOW = 0.01  # temperatures under this decode greedily
ALTERNATIVES = 5  # likeliest tokens shown for each generated one
SCORE_POSITIONS = 64  # positions sent through the output layer at once when scoring a text


@dataclass(frozen=True)
class GenerationSettings:
    max_new_tokens: int = 60
    temperature: float = 0.8
    top_p: float = 0.95
    top_k: int = 50
    repetition_penalty: float = 1.1
    seed: int = 42

    def generate_kwargs(self) -> dict:
        """Sampling arguments for `model.generate`; temperature 0 means greedy decoding."""
        kwargs: dict = {"max_new_tokens": self.max_new_tokens, "repetition_penalty": self.repetition_penalty}
        if self.temperature < GREEDY_BELOW:  # dividing logits by ~0 overflows: it means greedy anyway
            return kwargs | {"do_sample": False, "temperature": None, "top_p": None, "top_k": None}
        return kwargs | {
            "do_sample": True,
            "temperature": self.temperature,
            "top_p": self.top_p,
            "top_k": self.top_k,
        }


DEFAULTS = GenerationSettings()


@dataclass(frozen=True)
class Prompt:
    """Token ids that fit the context, how many were cut from the start, and how many new tokens fit."""

    input_ids: torch.Tensor
    dropped_tokens: int
    limit: int
    max_new_tokens: int
    context: int


class StopOnEvent(StoppingCriteria):
    """Ends `generate` at the next token once the event is set (Stop button, closed client)."""

    def __init__(self, event: threading.Event):
        self.event = event

    def __call__(self, input_ids, scores, **kwargs):
        return torch.full((input_ids.shape[0],), self.event.is_set(), dtype=torch.bool, device=input_ids.device)


class Piece(str):
    """A piece of generated text, with what the model thought of it: the probability of its tokens
    (multiplied, when a character needed several) and the likeliest tokens at its first step.

    Probabilities are the model's own next-token distribution, before temperature, top-k/top-p
    and the repetition penalty reshape it for sampling."""

    probability: float | None
    alternatives: tuple[tuple[str, float], ...]
    tokens: int

    def __new__(cls, text: str, probability: float | None = None,
                alternatives: tuple[tuple[str, float], ...] = (), tokens: int = 0):
        piece = super().__new__(cls, text)
        piece.probability, piece.alternatives, piece.tokens = probability, alternatives, tokens
        return piece


class TokenStreamer(TextIteratorStreamer):
    """Hands out each new token's text at once (the base class holds text back until a space),
    with its probability when `record` is the model's forward hook.

    Only a trailing half of a multi-byte character (decoded as U+FFFD) waits for the next token.
    """

    def __init__(self, tokenizer, **kwargs):
        super().__init__(tokenizer, **kwargs)
        self.next_logits: torch.Tensor | None = None
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
        if self.next_logits is not None:
            probs = self.next_logits[0].float().softmax(-1)
            chosen = probs[token_id].item()
            probability = chosen if probability is None else probability * chosen
            if not alternatives:
                top = probs.topk(ALTERNATIVES)
                alternatives = tuple((self.tokenizer.decode([i]), p)
                                     for p, i in zip(top.values.tolist(), top.indices.tolist(), strict=True))
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


@dataclass(frozen=True)
class Scored:
    """A text cut into pieces, each with its probability given the text before it (None for a
    first token that nothing precedes), and the text's perplexity over the scored tokens."""

    pieces: list[Piece]
    perplexity: float | None


class CausalLMEngine:
    """A left-to-right language model (GPT-2 by default), streamed from the inference thread."""

    def __init__(self, loaded: LoadedModel, worker: InferenceWorker):
        self.loaded = loaded
        self.worker = worker

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
        `stop` ends it at the next token."""
        tokenizer, model = self.loaded.tokenizer, self.loaded.model
        streamer = TokenStreamer(tokenizer, skip_prompt=True, skip_special_tokens=True)
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

        job = self.worker.start(work)
        finished = False
        try:
            yield from self._read(streamer, job)
            finished = True
        finally:
            if not finished:  # the reader left early (Stop, closed client): end at the next token
                stop.set()
                job.cancel()
        job.result(timeout=TOKEN_TIMEOUT_S)  # re-raises a failure of the generation

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
                if not job.running():
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


def _step(piece: Piece) -> dict:
    """One piece for the API's JSON: its text, probability, token count and the likeliest tokens."""
    return {"token": str(piece), "probability": piece.probability, "tokens": piece.tokens,
            "alternatives": [[token, p] for token, p in piece.alternatives]}


def _alternatives_line(step: dict) -> str:
    """The tooltip of one generated piece: its probability and the likeliest tokens at that step."""
    if step["probability"] is None:
        return ""
    lines = [say("this token: {p}", "这个词元：{p}", p=percent(step["probability"]))]
    lines += [f"{token!r}: {percent(p)}" for token, p in step["alternatives"]]
    return "\n".join(lines)


class GenerateTask(Task):
    key = "generate"
    title = "Generate"
    summary = "Give a prompt and GPT-2 continues it, streamed token by token."
    embedded_summary = "Give a prompt and Gemma 3 270M continues it, streamed token by token."
    how_it_works = r"""
A left-to-right language model was pretrained on one game only: predict the next token. It learns
the probability of a text as a product of next-token probabilities (**autoregressive decoding**):

$$p(x_1,\dots,x_T)=\prod_{t=1}^{T}p\left(x_t \mid x_{<t}\right),\qquad
p(x_t\mid x_{<t})=\mathrm{softmax}\!\left(\frac{z_t}{\tau}\right)$$

To write, it samples one token, appends it, and repeats. The temperature $\tau$ sharpens
($\tau<1$) or flattens ($\tau>1$) the distribution, `top_k` and `top_p` keep only the likeliest
tokens, the repetition penalty discourages loops, and a fixed seed makes sampling repeatable.
Temperature 0 always takes the likeliest token.
"""
    embedded_how_it_works = how_it_works
    streaming = True
    auto_model = "AutoModelForCausalLM"
    engine_class = CausalLMEngine
    warm_up_input = ("Once", 2)
    head_hint = "a checkpoint with a language-modelling head, such as GPT-2"
    params = (
        Param("prompt"),
        Param("max_new_tokens", DEFAULTS.max_new_tokens),
        Param("temperature", DEFAULTS.temperature),
        Param("top_p", DEFAULTS.top_p),
        Param("top_k", DEFAULTS.top_k),
        Param("repetition_penalty", DEFAULTS.repetition_penalty),
        Param("seed", DEFAULTS.seed),
    )

    has_settings = True

    def build_inputs(self) -> list:
        return [
            gr.Textbox(label=ui_text("Prompt"), lines=1, max_lines=8, placeholder=ui_text("Once upon a time,"), elem_id="generate-prompt"),
        ]

    def build_settings(self) -> list:
        return [
            CheckedSlider(*MAX_NEW_TOKENS, value=DEFAULTS.max_new_tokens, step=1, label=ui_text("Max new tokens"), elem_id="generate-max-new-tokens"),
            CheckedSlider(*TEMPERATURE, value=DEFAULTS.temperature, step=0.05, label=ui_text("Temperature (0 = greedy)"), elem_id="generate-temperature"),
            CheckedSlider(*TOP_P, value=DEFAULTS.top_p, step=0.01, label=ui_text("Top p"), elem_id="generate-top-p"),
            CheckedSlider(*TOP_K, value=DEFAULTS.top_k, step=1, label=ui_text("Top k (0 = off)"), elem_id="generate-top-k"),
            CheckedSlider(*REPETITION_PENALTY, value=DEFAULTS.repetition_penalty, step=0.05, label=ui_text("Repetition penalty"), elem_id="generate-repetition-penalty"),
            CheckedNumber(value=DEFAULTS.seed, precision=0, minimum=SEED[0], maximum=SEED[1], label=ui_text("Seed"), elem_id="generate-seed"),
        ]

    def build_outputs(self) -> list:
        return [
            gr.Textbox(label="Generated text", lines=8, interactive=False, elem_id="generate-output", visible=False),
            gr.HighlightedText(label="Token probabilities", elem_id="generate-probabilities", visible=False),
            gr.JSON(label="Token alternatives", elem_id="generate-alternatives", visible=False),
        ]

    def view(self, values, outputs, done, embedded) -> str:
        prompt, settings = values
        _, _, steps = outputs
        pieces = [(step["token"], step["probability"], _alternatives_line(step)) for step in steps]
        generated = sum(step["tokens"] for step in steps)
        note = ""
        if done and generated >= settings.max_new_tokens:
            note = say("(limit reached: {count} new tokens; raise Max new tokens in Settings for more)",
                       "（已达上限：生成了 {count} 个词元；想要更多，请在设置里调高“最多生成的词元数”）",
                       count=generated)
        return continuation(prompt, pieces, note) + (legend_tokens() if steps else "")

    def batch_row(self, values, outputs) -> dict:
        prompt, settings = values
        text, _, steps = outputs
        return {"continuation": text[len(prompt):], "new tokens": sum(step["tokens"] for step in steps),
                "seed": settings.seed}

    explanations = (Explanation("score_text", "Score the prompt: how expected is each token?", (Param("text"),)),)

    def build_explanation_outputs(self, outputs: list) -> list:
        return [gr.HighlightedText(label="Token probabilities", elem_id="generate-scores", visible=False),
                gr.Number(label="Perplexity", elem_id="generate-perplexity", visible=False)]

    def explain(self, engine, warn: Warn, text):
        (text, _) = self.check(text)
        scored = engine.score(text)
        return [(str(p), p.probability) for p in scored.pieces], scored.perplexity

    def explanation_view(self, values, outputs, embedded) -> str:
        tokens, perplexity = outputs
        pieces = [(token, p, "" if p is None else say("probability: {p}", "概率：{p}", p=percent(p)))
                  for token, p in tokens]
        shown = (say("n/a (one token, nothing to predict it from)", "无（只有一个词元，没有前文可以预测它）")
                 if perplexity is None else f"{perplexity:,.1f}")
        line = say("Perplexity <b>{shown}</b>: on average the model was as unsure as if it picked each token among "
                   "that many equally likely ones. Lower means a more expected text.",
                   "困惑度 <b>{shown}</b>：平均来说，模型的不确定程度相当于在这么多个同样可能的词元中挑一个。越低表示文字越在"
                   "意料之中。", shown=shown)
        return f'<p class="perplexity">{line}</p>' + continuation("", pieces) + legend_scored()

    def stream_size(self, outputs) -> str:
        tokens = sum(step["tokens"] for step in outputs[2])
        return f"{tokens} new token{'s' if tokens != 1 else ''}"

    def check(self, prompt, max_new_tokens=DEFAULTS.max_new_tokens, temperature=DEFAULTS.temperature,
              top_p=DEFAULTS.top_p, top_k=DEFAULTS.top_k, repetition_penalty=DEFAULTS.repetition_penalty,
              seed=DEFAULTS.seed) -> tuple:
        """Check every control on the server: the UI sliders do not protect the API."""
        return require_text(prompt, "Prompt"), GenerationSettings(
            max_new_tokens=require_number(max_new_tokens, "max_new_tokens", *MAX_NEW_TOKENS, integer=True),
            temperature=require_number(temperature, "temperature", *TEMPERATURE),
            top_p=require_number(top_p, "top_p", *TOP_P),
            top_k=require_number(top_k, "top_k", *TOP_K, integer=True),
            repetition_penalty=require_number(repetition_penalty, "repetition_penalty", *REPETITION_PENALTY),
            seed=require_number(seed, "seed", *SEED, integer=True),
        )

    def run(
        self,
        engine,
        warn: Warn,
        prompt,
        max_new_tokens=DEFAULTS.max_new_tokens,
        temperature=DEFAULTS.temperature,
        top_p=DEFAULTS.top_p,
        top_k=DEFAULTS.top_k,
        repetition_penalty=DEFAULTS.repetition_penalty,
        seed=DEFAULTS.seed,
    ) -> Iterator[tuple[str, list, list]]:
        """Yields the text so far, each piece with its probability, and each step's alternatives."""
        prompt, settings = self.check(prompt, max_new_tokens, temperature, top_p, top_k, repetition_penalty, seed)
        prepared = engine.prepare(prompt, settings.max_new_tokens)
        if prepared.max_new_tokens < settings.max_new_tokens:
            warn(f"max_new_tokens lowered to {prepared.max_new_tokens}: this model reads at most "
                 f"{prepared.context:,} tokens, prompt and new tokens together.")
            settings = replace(settings, max_new_tokens=prepared.max_new_tokens)
        if prepared.dropped_tokens:
            warn(cut_note("The prompt", prepared.dropped_tokens, prepared.limit, where="start"))
        text = prompt
        probabilities: list[tuple[str, float | None]] = []
        steps: list[dict] = []
        # closing() ends the stream, and so the generation thread, when the caller stops reading.
        with closing(engine.stream(prepared, settings, threading.Event())) as pieces:
            for piece in pieces:
                text += piece
                probabilities.append((str(piece), piece.probability))
                steps.append(_step(piece))
                yield text, list(probabilities), list(steps)  # copies: Gradio diffs against the last value
        if text == prompt:
            yield text, probabilities, steps
        ignored = engine.ignored_settings(settings)
        if ignored:
            warn(f"The generation engine takes no {' or '.join(ignored)}: "
                 f"{'they were' if len(ignored) > 1 else 'it was'} left out of this request.")
