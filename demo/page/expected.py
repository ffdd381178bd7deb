"""What a request will likely take, from this machine's own recent figures: said before a long one
runs, so that a presenter knows whether to wait or ask for less."""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from dataclasses import dataclass

from demo.i18n import Text

KEPT = 16  # recent figures per endpoint and model
SAID_FROM_S = 2.0  # shorter answers come before anyone reads a forecast


@dataclass(frozen=True)
class Figure:
    size: int  # characters of the request's texts
    seconds: float
    at: float  # time.monotonic() when it ended


def size_of(values: tuple) -> int:
    """A request's size: the characters of its texts (at least 1)."""
    return max(1, sum(len(value) for value in values if isinstance(value, str)))


class RecentCosts:
    """The last few (size, seconds) of one endpoint on each model; a forecast from the one nearest in size."""

    def __init__(self, quicker: str):
        self.quicker = quicker  # what to ask for instead, said with the forecast
        self._figures: dict[str, deque[Figure]] = {}
        self._lock = threading.Lock()

    def record(self, model: str, size: int, seconds: float) -> None:
        with self._lock:
            self._figures.setdefault(model, deque(maxlen=KEPT)).append(Figure(size, seconds, time.monotonic()))

    def forecast(self, model: str, size: int) -> Text | None:
        """"About 9 s: a request of 180 characters took 8.7 s here 2 min ago", or None when no recent
        figure exists or the answer will likely come within `SAID_FROM_S`. Scaled by size (linearly)
        from the nearest figure; said as "about" since the machine's load varies."""
        with self._lock:
            figures = list(self._figures.get(model, ()))
        if not figures:
            return None
        nearest = min(figures, key=lambda f: (abs(math.log(f.size / size)), -f.at))
        expected = nearest.seconds * size / nearest.size
        if expected < SAID_FROM_S:
            return None
        ago = time.monotonic() - nearest.at
        when = Text("{count} min ago", count=f"{ago / 60:.0f}") if ago >= 90 else Text("just now")
        return Text("Expected: about {seconds} s (a request of {size} characters took {took} s here {when}). {quicker}",
                    seconds=f"{expected:.0f}", size=f"{nearest.size:,}", took=f"{nearest.seconds:.1f}", when=when,
                    quicker=Text(self.quicker))
