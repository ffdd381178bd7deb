"""A room of visitors on a Space: the app started as a Space runs it (its environment, no flags)
behind a real nginx that reaches it from a non-loopback-trusted address, as a Space's proxy does.
Each visitor sends from its own loopback address; all press at the same moment."""

from __future__ import annotations

import os
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from bench.room import presses_at_once
from bench.server import running_replicas
from bench.tiny_models import build_distilbert_classifier
from demo.admission import LONG_PER_CLIENT, VIEWS_KIND

NGINX = Path(os.environ.get("NGINX", "/usr/sbin/nginx"))
def press(kind: int, visitor: int, case: str) -> tuple[str, list]:
    """Visitor `visitor`'s press in `case`: a text of their own (identical requests share one answer,
    so a room on one text would time the store, not the room)."""
    text = f"A warm, funny film, says visitor {visitor} of the {case} room."
    return [("sentiment", [text]), ("explain_sentiment", [text]), ("generate", [f"Once upon a time {visitor}", 20])][kind]

pytestmark = [pytest.mark.replicas,
              pytest.mark.skipif(not NGINX.exists(), reason=f"no nginx at {NGINX}: install Debian's nginx")]


@pytest.fixture(scope="module")
def space_behind_proxy(tiny_paths, tmp_path_factory):
    """Tiny models, but sentiment at DistilBERT base's size (random weights): its explanations take a
    second or more, so a visitor's admitted ones are still running while the rest of a burst arrives."""
    root = tmp_path_factory.mktemp("room")
    paths = tiny_paths | {"sentiment": build_distilbert_classifier(root / "distilbert-base", 512, "base")}
    models = [arg for task, path in paths.items() for arg in ("--model", f"{task}={path}")]
    log = root / "room.log"
    with running_replicas(["--as-space", "--replicas", "1"], ["--profile", "hub", "--preload", *models], log) as started:
        yield started["url"]


@pytest.mark.parametrize("presses", [
    pytest.param([press(n % 3, n, "first") for n in range(40)],
                 id="40 visitors, a third each of sentiment, explain, generate"),
    pytest.param([press(2, n, "second") for n in range(8)] + [press(1, n, "second") for n in range(8, 12)],
                 id="12 visitors with long work, 8 generations, 4 explanations"),
])
def test_every_visitor_in_the_room_is_answered_and_none_refused(space_behind_proxy, presses):
    ended = Counter((api_name, how) for api_name, how, _ in presses_at_once(space_behind_proxy, presses))
    print(f"\n{len(presses)} visitors: {dict(ended)}")
    assert ended == Counter((api_name, "complete") for api_name, _ in presses)


@pytest.mark.parametrize("forged", [False, True], ids=["plain", "forging X-Forwarded-For"])
def test_one_visitor_with_thirty_explanations_is_still_refused_past_its_share(space_behind_proxy, forged):
    """A greedy visitor, and one who writes a new X-Forwarded-For on every request: the address the
    proxy appends is the one counted, so both get their share of explanations and no more. Each request
    explains a text of its own: an explanation asked before is answered from the kept ones in
    milliseconds, and its slot is free again while the burst still arrives."""
    share = LONG_PER_CLIENT[VIEWS_KIND]
    start = threading.Barrier(30)
    limits = httpx.Limits(max_connections=30)
    with httpx.Client(transport=httpx.HTTPTransport(local_address=f"127.0.2.{1 + forged}", limits=limits), timeout=60) as http:
        def post(n: int) -> httpx.Response:
            start.wait()
            review = f"Review {n} of {'a forger' if forged else 'a visitor'}: a fine film, warm and funny. " * 4
            return http.post(f"{space_behind_proxy}/gradio_api/call/explain_sentiment", json={"data": [review]},
                             headers={"X-Forwarded-For": f"198.51.100.{n}"} if forged else {})

        with ThreadPoolExecutor(30) as pool:
            answers = list(pool.map(post, range(30)))
    codes = Counter(answer.status_code for answer in answers)
    print(f"\n30 explanations from one visitor{' with forged headers' if forged else ''}: {dict(codes)}")
    # its share, and at most two more that finished while the others were still arriving
    assert 1 <= codes[200] <= share + 2 and codes[429] >= 30 - share - 2 and codes[200] + codes[429] == 30
    refused = next(answer for answer in answers if answer.status_code == 429)
    assert f"You already have {share} explanations running or waiting" in refused.text
