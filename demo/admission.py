"""Fair admission: no client address and no kind of work can take the whole queue.

Gradio's queue admits requests first come, first served up to its size, and every `/call` is a new
session, so one client could fill it (65 never-read generations locked every user out). Here each
request is admitted by three numbers:

- per client address, at most `MAX_WAITING_PER_CLIENT` requests queued or running, and at most
  `LONG_PER_CLIENT[kind]` of one long kind: more get HTTP 429 with a message;
- per kind of work, at most `QUEUE_SHARES[kind]` requests waiting in the queue, so long work
  (generation, explanations, page jobs) never leaves short tasks without room;
- the queue as a whole holds `QUEUE_SIZE` (Gradio answers 503 beyond it).

Behind a reverse proxy every request comes from the proxy's address; the client's address is then
read from `X-Forwarded-For`, only when the direct peer is a proxy named in `--trusted-proxy`. On a
Hugging Face Space the peer is always the Space's own proxy (an internal address nobody can know in
advance), so there every peer counts as that proxy (`ANY_PEER`): the client is the address the proxy
appended last to `X-Forwarded-For`. A visitor can write the header too, but only to the left of
what the proxy appends, and that part is never read.

The numbers are sized for a room: 40-50 visitors pressing at once must all be answered. A waiting
request costs Gradio a few kilobytes, so it waits, with its place in the queue on the page, instead
of being refused; the per-client numbers still stop one client from taking what the room needs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

QUEUE_SIZE = 256
MAX_WAITING_PER_CLIENT = 16
# Kinds of work are concurrency ids: each task's key (declared by the task, `demo.registry`), and
# the two kinds of long work the page adds: every view of every task, and the page jobs.
VIEWS_KIND, JOBS_KIND = "explain", "page-jobs"
# kind -> how many of it one client may have at once (the long kinds)
LONG_PER_CLIENT: dict[str, int] = {}
# kind -> how many may wait in the queue (not yet running); kinds not named share the rest
QUEUE_SHARES: dict[str, int] = {}
_NAMES: dict[str, tuple[str, str]] = {}  # kind -> how a message names one request of it, and several


def declare(kind: str, share: int | None = None, per_client: int | None = None,
            names: tuple[str, str] | None = None) -> None:
    """The admission numbers of one kind of work."""
    if share is not None:
        QUEUE_SHARES[kind] = share
    if per_client is not None:
        LONG_PER_CLIENT[kind] = per_client
    _NAMES[kind] = names or (kind, kind)


ANY_PEER = "*"  # a trusted proxy that stands for every peer (a Space's proxy)

declare(VIEWS_KIND, share=64, per_client=2, names=("explanation", "explanations"))
declare(JOBS_KIND, share=8, per_client=1, names=("scorecard or batch run", "scorecard or batch runs"))


@dataclass(frozen=True)
class Waiting:
    """One request the queue holds: its kind (concurrency id), its client, whether it runs yet."""

    kind: str
    client: str
    running: bool


class TooMany(Exception):
    """A request refused by admission; `status` is the HTTP status to answer with."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


def client_address(peer: str | None, headers: Mapping[str, str], trusted_proxies: frozenset[str]) -> str:
    """The address a request comes from: the peer's, or, when the peer is a trusted proxy (every
    peer, with `ANY_PEER`), the last address in `X-Forwarded-For` that is not itself a trusted proxy."""
    address = peer or "unknown"
    if address not in trusted_proxies and ANY_PEER not in trusted_proxies:
        return address
    forwarded = [hop.strip() for hop in headers.get("x-forwarded-for", "").split(",") if hop.strip()]
    for hop in reversed(forwarded):
        if hop not in trusted_proxies:
            return hop
    return address


def admit(kind: str, client: str, held: Iterable[Waiting]) -> None:
    """Raise `TooMany` when a request of `kind` from `client` would pass a share; else return."""
    held = list(held)
    mine = [w for w in held if w.client == client]
    if len(mine) >= MAX_WAITING_PER_CLIENT:
        raise TooMany(429, f"Too many requests from your address are waiting (at most {MAX_WAITING_PER_CLIENT} "
                           "at once). Please wait for their answers first.")
    limit = LONG_PER_CLIENT.get(kind)
    if limit is not None and sum(w.kind == kind for w in mine) >= limit:
        one, many = _NAMES.get(kind, (kind, kind))
        raise TooMany(429, f"You already have {limit} {one if limit == 1 else many} running or waiting (at most "
                           f"{limit} at once). Please wait for {'it' if limit == 1 else 'them'} to finish.")
    share = QUEUE_SHARES.get(kind)
    if share is not None and sum(w.kind == kind and not w.running for w in held) >= share:
        raise TooMany(503, f"The server is busy: {share} {_NAMES.get(kind, (kind, kind))[1]} are already waiting. "
                           "Please try again in a minute.")

