"""Helpers shared by test modules (no test module imports another)."""

from __future__ import annotations


class Counted:
    """An engine that counts its answers and otherwise is the engine it wraps."""

    def __init__(self, engine):
        self.engine, self.answers = engine, 0

    def __getattr__(self, name):
        return getattr(self.engine, name)

    def classify(self, *args, **kwargs):
        self.answers += 1
        return self.engine.classify(*args, **kwargs)
