"""Generation on an OpenAI-compatible server: vLLM, SGLang, TGI or `transformers serve`.

`--model generate=http://HOST:PORT/v1#MODEL` streams plain prompts through `/v1/completions`;
`#chat:MODEL` streams through `/v1/chat/completions` (models with a chat template). The engine
runs in the request's own thread (it only waits on the network), so the model thread stays free
for the other tabs. Stop and a closed client close the HTTP stream, which ends the generation on
the server. An API key is read from `DEMO_ENGINE_API_KEY` and never logged.

max_new_tokens, temperature, top_p and seed are standard fields. top_k and repetition_penalty are
not: they are sent as top-level fields (vLLM, SGLang, TGI take them), else inside a
`generation_config` JSON string (`transformers serve`), else left out, and the page says so.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

from demo.errors import UserFacingError
from demo.engines.base import Engine
from demo.scope import current_scope

log = logging.getLogger(__name__)

CONNECT_TIMEOUT_S = 5.0
READ_TIMEOUT_S = 120.0  # between two streamed chunks: a busy engine may queue the request for a while
API_KEY_VARIABLE = "DEMO_ENGINE_API_KEY"
EXTRA_STYLES = ("fields", "generation_config", None)  # how top_k / repetition_penalty are sent, in order


class EngineError(UserFacingError):
    """The remote engine could not answer; the message names the server."""


def is_engine_url(text: str) -> bool:
    return text.startswith(("http://", "https://"))


@dataclass(frozen=True)
class EngineAddress:
    base_url: str  # http://host:port/v1
    model: str  # "" asks the server which model it serves
    chat: bool

    @classmethod
    def parse(cls, text: str) -> EngineAddress:
        url, _, fragment = text.partition("#")
        chat = fragment.startswith("chat:")
        model = fragment.removeprefix("chat:")
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"not an engine URL: {text}")
        return cls(url.rstrip("/"), model, chat)


@dataclass(frozen=True)
class RemotePrompt:
    """What `GenerateTask.run` reads from a prepared prompt; the engine applies its own limits."""

    text: str
    max_new_tokens: int
    dropped_tokens: int = 0
    limit: int = 0
    context: int = 0


class RemoteGenerationEngine(Engine):
    capabilities = frozenset()  # token probabilities of a given text are not served by the engine
    """Streams a continuation from an OpenAI-compatible server."""

    def __init__(self, address: EngineAddress):
        from openai import OpenAI, Timeout  # the client's own Timeout: its HTTP library is its own choice

        self.address = address
        self.client = OpenAI(base_url=address.base_url, api_key=os.environ.get(API_KEY_VARIABLE) or "none",
                             timeout=Timeout(READ_TIMEOUT_S, connect=CONNECT_TIMEOUT_S), max_retries=0)
        self.extra_style: str | None = EXTRA_STYLES[0]  # lowered when the engine refuses it
        self._model = address.model

    @property
    def server(self) -> str:
        return self.address.base_url

    def model(self) -> str:
        """The served model: the one named in the URL, else the first the server lists."""
        if not self._model:
            models = self._call(lambda: self.client.models.list())
            if not models.data:
                raise EngineError(f"The generation engine at {self.server} serves no model.")
            self._model = models.data[0].id
        return self._model

    def prepare(self, prompt: str, max_new_tokens: int) -> RemotePrompt:
        return RemotePrompt(prompt, max_new_tokens)

    def ignored_settings(self, settings) -> list[str]:
        """The settings this engine takes no field for, when they are not at their neutral value."""
        return list(_extras(settings, greedy=False)) if self.extra_style is None else []

    def stream(self, prompt: RemotePrompt, settings, stop) -> Iterator:
        """Text pieces as the server streams them; Stop, a cancelled request or `stop` close the stream."""
        from demo.engines.types import Piece

        chunks = self._open(prompt, settings)
        try:
            for chunk in self._call_iter(chunks):
                scope = current_scope()
                if stop.is_set() or (scope is not None and (scope.cancelled.is_set() or scope.stop_requested.is_set())):
                    return
                if not chunk.choices:  # the closing usage chunk
                    continue
                choice = chunk.choices[0]
                text = choice.delta.content if self.address.chat else choice.text
                if text:
                    yield Piece(text, None, (), 1)
        finally:
            chunks.close()  # the server sees the connection close and stops generating

    def score(self, text: str):
        raise EngineError(f"Scoring a text needs the model in this process; generation is served by the engine at "
                          f"{self.server}, which does not return token probabilities for a given text.")

    def _open(self, prompt: RemotePrompt, settings):
        """The streaming request, trying the ways of sending top_k / repetition_penalty in turn."""
        from openai import BadRequestError, UnprocessableEntityError

        while True:
            kwargs = self._request(prompt, settings)
            try:
                return self._call(lambda: self._create(kwargs))
            except EngineError as exc:
                refused = isinstance(exc.__cause__, (BadRequestError, UnprocessableEntityError))
                if not refused or self.extra_style is None or "extra_body" not in kwargs:
                    raise
                log.info("the engine at %s refused top_k/repetition_penalty as %s", self.server, self.extra_style)
                self.extra_style = EXTRA_STYLES[EXTRA_STYLES.index(self.extra_style) + 1]

    def _request(self, prompt: RemotePrompt, settings) -> dict:
        greedy = settings.temperature < 0.01
        kwargs: dict = {"model": self.model(), "max_tokens": prompt.max_new_tokens, "stream": True,
                        "temperature": 0.0 if greedy else settings.temperature, "seed": settings.seed}
        if not greedy:
            kwargs["top_p"] = settings.top_p
        extras = _extras(settings, greedy)
        if extras and self.extra_style == "fields":
            kwargs["extra_body"] = extras
        elif extras and self.extra_style == "generation_config":
            kwargs["extra_body"] = {"generation_config": json.dumps(extras)}
        if self.address.chat:
            kwargs["messages"] = [{"role": "user", "content": prompt.text}]
        else:
            kwargs["prompt"] = prompt.text
        return kwargs

    def _create(self, kwargs: dict):
        if self.address.chat:
            return self.client.chat.completions.create(**kwargs)
        return self.client.completions.create(**kwargs)

    def _call(self, fn):
        """Run one client call, turning its failures into messages that name the server."""
        from openai import APIConnectionError, APIStatusError, APITimeoutError

        try:
            return fn()
        except APITimeoutError as exc:
            raise EngineError(f"The generation engine at {self.server} did not answer in time. "
                              "Please try again; the other tabs keep working.") from exc
        except APIConnectionError as exc:
            raise EngineError(f"The generation engine at {self.server} cannot be reached. It may be down or "
                              "starting; the other tabs keep working. Please try again shortly.") from exc
        except APIStatusError as exc:
            detail = _detail(exc)
            raise EngineError(f"The generation engine at {self.server} refused the request "
                              f"(HTTP {exc.status_code}{': ' + detail if detail else ''}).") from exc

    def _call_iter(self, chunks):
        """The stream's chunks; a failure mid-stream becomes a message too."""
        iterator, end = iter(chunks), object()
        while (chunk := self._call(lambda: next(iterator, end))) is not end:
            yield chunk


def _extras(settings, greedy: bool) -> dict[str, float]:
    """top_k and repetition_penalty where they differ from their neutral value (top_k means nothing
    to greedy decoding): the settings with no standard field in the OpenAI API."""
    extras = {"top_k": settings.top_k, "repetition_penalty": settings.repetition_penalty}
    neutral = {"top_k": 0, "repetition_penalty": 1.0}
    return {name: value for name, value in extras.items()
            if value != neutral[name] and not (greedy and name == "top_k")}


def _detail(exc) -> str:
    """The engine's own error message, one line, short."""
    body = getattr(exc, "body", None)
    if isinstance(body, dict):
        message = body.get("message") or body.get("detail") or body.get("error") or ""
        text = message if isinstance(message, str) else json.dumps(message)
    else:
        text = str(exc)
    return " ".join(text.split())[:300]
