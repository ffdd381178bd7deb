"""Two app replicas behind a real nginx with session affinity: both serve, and one may stop."""

from __future__ import annotations

import os
import signal
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from bench.server import running_replicas

NGINX = Path(os.environ.get("NGINX", "/usr/sbin/nginx"))
CLIENTS = [f"127.0.0.{i}" for i in range(2, 18)]  # 16 distinct loopback source addresses

pytestmark = [pytest.mark.replicas,
              pytest.mark.skipif(not NGINX.exists(), reason=f"no nginx at {NGINX}: install Debian's nginx")]


@pytest.fixture(scope="module")
def replicas(tiny_paths, tmp_path_factory):
    models = [arg for task, path in tiny_paths.items() for arg in ("--model", f"{task}={path}")]
    log = tmp_path_factory.mktemp("replicas") / "replicas.log"
    with running_replicas(["--replicas", "2"], ["--lazy", "--profile", "hub", *models], log) as started:
        yield started


def replica_of(response: httpx.Response) -> str:
    """The replica that answered: the last address nginx tried (it lists a dead one it skipped first)."""
    return response.headers["x-replica"].split(", ")[-1]


def sentiment_from(address: str, base_url: str) -> str:
    """One REST sentiment request sent from `address`; returns the replica that answered both halves."""
    with httpx.Client(transport=httpx.HTTPTransport(local_address=address), timeout=60) as http:
        posted = http.post(f"{base_url}/gradio_api/call/sentiment", json={"data": ["A fine, warm film."]})
        posted.raise_for_status()
        with http.stream("GET", f"{base_url}/gradio_api/call/sentiment/{posted.json()['event_id']}") as stream:
            body = "".join(stream.iter_text())
            assert replica_of(stream) == replica_of(posted)  # the session stayed on one replica
        assert "event: complete" in body and "POSITIVE" in body, body[:300]
        return replica_of(posted)


def load(base_url: str, rounds: int = 3) -> Counter:
    with ThreadPoolExecutor(len(CLIENTS)) as pool:
        served = pool.map(lambda address: sentiment_from(address, base_url), CLIENTS * rounds)
        return Counter(served)


def test_nginx_keeps_the_apps_body_bounds_a_big_csv_passes_and_an_oversized_body_is_413(replicas):
    """nginx refused every upload over 1 MB (the app takes CSVs up to 2 MB), and a 3 MB body got 502 as
    often as 413: nginx's limits are the app's own now."""
    url = replicas["url"]
    csv_file = b"text,label\n" + b"A fine film.,1\n" * 100_000  # 1.5 MB
    taken = httpx.post(f"{url}/gradio_api/upload", files={"files": ("set.csv", csv_file, "text/csv")}, timeout=60)
    assert taken.status_code == 200, taken.text[:200]
    codes = [httpx.post(f"{url}/gradio_api/call/sentiment", content=b"x" * 3_000_000,
                        headers={"content-type": "application/json"}, timeout=60).status_code for _ in range(10)]
    assert codes == [413] * 10
    big = httpx.post(f"{url}/gradio_api/upload", files={"files": ("big.csv", b"x" * 2_200_000, "text/csv")},
                     timeout=60)
    assert big.status_code == 413


def test_both_replicas_serve_and_a_stopped_one_leaves_new_sessions_to_the_other(replicas):
    by_replica = load(replicas["url"])
    print(f"\nrequests per replica, {len(CLIENTS)} client addresses x 3: {dict(by_replica)}")
    assert sum(by_replica.values()) == len(CLIENTS) * 3  # every request answered, none failed
    assert len(by_replica) == 2, f"one replica served everything: {by_replica}"

    first, second = replicas["replicas"]
    os.kill(first["pid"], signal.SIGTERM)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{first['port']}/", timeout=1)
        except httpx.HTTPError:
            break
        time.sleep(0.2)
    after = load(replicas["url"], rounds=1)
    assert after == Counter({f"127.0.0.1:{second['port']}": len(CLIENTS)})
