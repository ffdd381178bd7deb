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
read from `X-Forwarded-For`, only when the direct peer is a proxy named in `--trusted-proxy`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

QUEUE_SIZE = 64
MAX_WAITING_PER_CLIENT = 16
# concurrency ids of the long kinds of work, and how many of each one client may have at once
LONG_PER_CLIENT = {"generate": 4, "explain": 2, "page-jobs": 1}
# how many requests of a kind may wait in the queue (not yet running); kinds not named share the rest
QUEUE_SHARES = {"generate": 16, "explain": 8, "page-jobs": 4, "fill_mask": 16, "next_sentence": 16}


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
    """The address a request comes from: the peer's, or, when the peer is a trusted proxy, the last
    address in `X-Forwarded-For` that is not itself a trusted proxy."""
    address = peer or "unknown"
    if address not in trusted_proxies:
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


_NAMES = {"generate": ("generation", "generations"), "explain": ("explanation", "explanations"),
          "page-jobs": ("scorecard or batch run", "scorecard or batch runs"),
          "fill_mask": ("fill-mask request", "fill-mask requests"),
          "next_sentence": ("next-sentence request", "next-sentence requests")}
