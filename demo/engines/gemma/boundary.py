"""Where a calibrated score means 50%: the boundary built-in calibration examples fix."""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass


@dataclass(frozen=True)
class Boundary:
    """Where a score means 50%, and how fast it saturates, fixed by built-in calibration examples:
    midway between the mean score of those that should say yes and of those that should say no,
    with a quarter of that gap per unit of log-odds."""

    threshold: float
    scale: float

    @classmethod
    def between(cls, yes: list[float], no: list[float]) -> Boundary:
        high, low = statistics.mean(yes), statistics.mean(no)
        return cls((high + low) / 2, max((high - low) / 4, 1e-3))

    def probability(self, score: float) -> float:
        return 1 / (1 + math.exp(-(score - self.threshold) / self.scale))
