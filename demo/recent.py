"""The most recent values by key, bounded: the one place the app keeps values in an `OrderedDict`."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator
from typing import Generic, TypeVar

K, V = TypeVar("K"), TypeVar("V")


class Recent(Generic[K, V]):
    """At most `size` values; reading or writing one makes it the most recent, the oldest leaves first.
    Not locked: its owner holds its own lock where threads share it."""

    def __init__(self, size: int):
        self.size = size
        self._values: OrderedDict[K, V] = OrderedDict()

    def get(self, key: K, default: V | None = None) -> V | None:
        if key not in self._values:
            return default
        self._values.move_to_end(key)
        return self._values[key]

    def put(self, key: K, value: V) -> None:
        self._values[key] = value
        self._values.move_to_end(key)
        while len(self._values) > self.size:
            self._values.popitem(last=False)

    def drop(self, key: K) -> None:
        self._values.pop(key, None)

    def drop_oldest(self) -> None:
        self._values.popitem(last=False)

    def values(self) -> Iterator[V]:
        return iter(list(self._values.values()))

    def clear(self) -> None:
        self._values.clear()

    def __contains__(self, key: object) -> bool:
        return key in self._values

    def __len__(self) -> int:
        return len(self._values)
