"""Whose job the inference thread runs next: the request that has had the least model time so far.

First come, first served let a visitor's one-pass sentiment wait behind every question of the
searches and explanations queued before it (six clients sending the longest valid work: the
visitor's p95 5.9 s). Serving the request with the least model time first (least attained service)
needs no estimate of a job's size: a new request starts at zero, so short plain work goes ahead of
requests already deep into theirs, and a long request still runs whenever nothing newer waits.
Work that gives way (warm-ups) comes after every visitor's.
"""

from __future__ import annotations

from collections import deque
from typing import Any

# requests within this much model time of the one chosen share its batch: a room's visitors, all new,
# answer in one pass; a search several questions in does not hold a new visitor's answer
GROUP_SLACK_S = 0.5


def used_s(job: Any) -> float:
    """Model time the job's request has had so far (work that gives way: after everyone)."""
    if job.gives_way:
        return float("inf")
    return job.scope.used_s if job.scope is not None else 0.0


def take_group(jobs: deque, max_batch: int) -> list:
    """Remove and return the next group: the job of the request with the least model time (the
    earliest among equals) and, when it is batched, up to `max_batch - 1` more for the same function
    from requests within `GROUP_SLACK_S` of it, the least served first."""
    first = min(jobs, key=used_s)  # `min` keeps the first of equals: first come among equals
    group = [first]
    if first.batched:
        limit = used_s(first) + GROUP_SLACK_S
        mates = [job for job in jobs if job is not first and job.fn == first.fn and used_s(job) <= limit]
        group += sorted(mates, key=used_s)[: max_batch - 1]
    for job in group:
        jobs.remove(job)
    return group


def charge(group: list, spent_s: float) -> None:
    """Count `spent_s` of model time to the requests of the group's jobs, in equal shares."""
    for job in group:
        if job.scope is not None:
            job.scope.used_s += spent_s / len(group)
