"""Rows of similar length share a forward pass, so a batch is mostly text, not padding."""

from __future__ import annotations

from collections.abc import Sequence


def length_groups(lengths: Sequence[int], max_tokens: int, max_rows: int | None = None) -> list[list[int]]:
    """Indices grouped by similar length, so a batch pads little.

    Sorted by length; a group closes when padding every member to the longest would pass
    `max_tokens`, when it holds `max_rows`, or when the next item is over 1.5x the group's shortest
    (mostly padding then).
    """
    groups: list[list[int]] = []
    for index in sorted(range(len(lengths)), key=lengths.__getitem__):
        group = groups[-1] if groups else None
        length = lengths[index]
        if (group and (len(group) + 1) * length <= max_tokens and length <= 1.5 * lengths[group[0]] + 4
                and (max_rows is None or len(group) < max_rows)):
            group.append(index)
        else:
            groups.append([index])
    return groups
