"""What every engine declares, with its default: views, the runtime and the page read these, never guess.

An engine class subclasses `Engine` (a checkpoint-backed one `ClassicEngine`) and overrides only the
traits that differ; everything is read from the class, so nothing loads to learn it.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable

_IDENTITIES = itertools.count(1)


class Engine:
    """Every engine's traits, each with the default most engines have."""

    capabilities: frozenset = frozenset()  # the views it can serve: "attribute", "attend", "score", "steps", ...
    meaning: str = ""  # the page's line on what its numbers are
    answers_together: bool = False  # concurrent requests share one pass (`InferenceWorker.call_batched`)
    search_budget_s: float = 1.5  # seconds a "what flips it" search may spend (a hub view answers within 2 s)
    attribution_target: str = ""  # what an explanation's word scores change
    attribution_method: str = "integrated gradients"
    lens_reads: str = ""  # where the layer view reads the answer ("the next token after the prompt")
    warm_up_examples: bool = False  # the warm-up answers its task's bundled examples too (a first answer sets up)
    # `substitutes(text, spans, k)`: the model's own replacement words for spans of a text, for searches;
    # None where the engine proposes none (a search then tries deletions only)
    substitutes: Callable | None = None

    @functools.cached_property
    def identity(self) -> int:
        """A number no other engine of this process has: what its kept answers are keyed by (an `id()` is
        reused once an engine is gone)."""
        return next(_IDENTITIES)


class ClassicEngine(Engine):
    """An engine that wraps a loaded hub checkpoint: which transformers Auto class loads it, whether
    `--int8` applies, and what to say when a checkpoint lacks the task's head."""

    auto_model: str = "AutoModel"
    int8_ok: bool = False
    head_hint: str = "a checkpoint with this task's head"

    @staticmethod
    def missing_head(missing_keys, base_prefix) -> list[str]:
        """The head's parameters the checkpoint lacks (none: any checkpoint serves)."""
        return []
