"""A room of visitors on a Space: the app started as a Space runs it (its environment, no flags)
behind a real nginx that reaches it from a non-loopback-trusted address, as a Space's proxy does.
Each visitor sends from its own loopback address; all press at the same moment."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from bench.server import call, free_port
from demo.admission import LONG_PER_CLIENT, VIEWS_KIND

ROOT = Path(__file__).resolve().parents[1]
NGINX = Path(os.environ.get("NGINX", "/usr/sbin/nginx"))
PRESSES = [("sentiment", ["A warm, funny film."]), ("explain_sentiment", ["A warm, funny film."]),
           ("generate", ["Once upon a time", 20])]

pytestmark = [pytest.mark.replicas,
              pytest.mark.skipif(not NGINX.exists(), reason=f"no nginx at {NGINX}: install Debian's nginx")]


@pytest.fixture(scope="module")
def space_behind_proxy(tiny_paths, tmp_path_factory):
    models = [arg for task, path in tiny_paths.items() for arg in ("--model", f"{task}={path}")]
    command = [sys.executable, str(ROOT / "scripts" / "replicas.py"), "--as-space", "--replicas", "1",
               "--port", str(free_port()), "--", "--profile", "hub", "--preload", *models]
    env = os.environ | {"HF_HUB_OFFLINE": "1", "PYTHONUNBUFFERED": "1"}
    log = tmp_path_factory.mktemp("room") / "room.log"
    with open(log, "w") as output:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=output, text=True)
    try:
        line = process.stdout.readline()
        assert line, f"scripts/replicas.py --as-space did not start (exit code {process.poll()}); see {log}"
        yield json.loads(line)["url"]
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)


def press(base_url: str, address: str, api_name: str, data: list, start: threading.Barrier) -> str:
    """One visitor's one press, sent from its own address once every visitor is ready."""
    with httpx.Client(transport=httpx.HTTPTransport(local_address=address), timeout=300) as http:
        start.wait()
        return call(http, base_url, api_name, data)[0]


def room(base_url: str, presses: list[tuple[str, list]]) -> Counter:
    """Every press from its own visitor at the same moment: how each one ended, per endpoint."""
    start = threading.Barrier(len(presses))
    with ThreadPoolExecutor(len(presses)) as pool:
        ended = pool.map(lambda n: (presses[n][0], press(base_url, f"127.0.1.{n + 1}", *presses[n], start)),
                         range(len(presses)))
        return Counter(ended)


@pytest.mark.parametrize("presses", [
    pytest.param([PRESSES[n % 3] for n in range(40)], id="40 visitors, a third each of sentiment, explain, generate"),
    pytest.param([PRESSES[2]] * 8 + [PRESSES[1]] * 4, id="12 visitors with long work, 8 generations, 4 explanations"),
])
def test_every_visitor_in_the_room_is_answered_and_none_refused(space_behind_proxy, presses):
    ended = room(space_behind_proxy, presses)
    print(f"\n{len(presses)} visitors: {dict(ended)}")
    assert ended == Counter((api_name, "complete") for api_name, _ in presses)


@pytest.mark.parametrize("forged", [False, True], ids=["plain", "forging X-Forwarded-For"])
def test_one_visitor_with_thirty_explanations_is_still_refused_past_its_share(space_behind_proxy, forged):
    """A greedy visitor, and one who writes a new X-Forwarded-For on every request: the address the
    proxy appends is the one counted, so both get their share of explanations and no more."""
    share = LONG_PER_CLIENT[VIEWS_KIND]
    start = threading.Barrier(30)
    limits = httpx.Limits(max_connections=30)
    with httpx.Client(transport=httpx.HTTPTransport(local_address=f"127.0.2.{1 + forged}", limits=limits), timeout=60) as http:
        def post(n: int) -> httpx.Response:
            start.wait()
            return http.post(f"{space_behind_proxy}/gradio_api/call/explain_sentiment", json={"data": ["A fine film."]},
                             headers={"X-Forwarded-For": f"198.51.100.{n}"} if forged else {})

        with ThreadPoolExecutor(30) as pool:
            answers = list(pool.map(post, range(30)))
    codes = Counter(answer.status_code for answer in answers)
    print(f"\n30 explanations from one visitor{' with forged headers' if forged else ''}: {dict(codes)}")
    # its share, and at most two more that finished while the others were still arriving
    assert 1 <= codes[200] <= share + 2 and codes[429] >= 30 - share - 2 and codes[200] + codes[429] == 30
    refused = next(answer for answer in answers if answer.status_code == 429)
    assert f"You already have {share} explanations running or waiting" in refused.text
