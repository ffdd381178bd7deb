"""Fair admission and cancel-for-every-job, on the real launched app (tiny models, loopback addresses)."""

from __future__ import annotations

import time

import pytest

from bench.server import BrowserSession, call
from demo.admission import ANY_PEER, LONG_PER_CLIENT, MAX_WAITING_PER_CLIENT, QUEUE_SHARES, TooMany, Waiting, admit, client_address
from demo.registry import get_task
from demo.scope import RequestCancelled
from demo.settings import parse_settings
from tests.helpers import from_address, hold_worker, wait_for_ready






def test_admission_rules_count_per_client_per_kind_and_per_share():
    held = [Waiting("sentiment", "a", True)] * (MAX_WAITING_PER_CLIENT - 1)
    admit("sentiment", "a", held)  # one more fits
    with pytest.raises(TooMany, match="Too many requests from your address") as refused:
        admit("sentiment", "a", [*held, Waiting("fill_mask", "a", False)])
    assert refused.value.status == 429
    admit("sentiment", "b", held * 3)  # another client is not counted against
    generations = [Waiting("generate", "a", False)] * LONG_PER_CLIENT["generate"]
    with pytest.raises(TooMany, match=f"You already have {LONG_PER_CLIENT['generate']} generations"):
        admit("generate", "a", generations)
    with pytest.raises(TooMany, match="You already have 1 scorecard or batch run running") as refused:
        admit("page-jobs", "a", [Waiting("page-jobs", "a", True)])
    waiting = [Waiting("generate", f"client {n}", False) for n in range(QUEUE_SHARES["generate"])]
    with pytest.raises(TooMany, match="The server is busy") as refused:
        admit("generate", "new client", waiting)
    assert refused.value.status == 503
    admit("sentiment", "new client", waiting)  # short tasks keep their room


def test_the_client_address_behind_a_trusted_proxy_is_the_forwarded_one():
    proxies = frozenset({"10.0.0.1"})
    assert client_address("10.0.0.1", {"x-forwarded-for": "1.2.3.4, 10.0.0.1"}, proxies) == "1.2.3.4"
    assert client_address("5.6.7.8", {"x-forwarded-for": "1.2.3.4"}, proxies) == "5.6.7.8"  # not a proxy: not believed
    assert client_address("10.0.0.1", {}, proxies) == "10.0.0.1"


def test_on_a_space_every_peer_is_the_proxy_and_only_the_address_it_appended_counts():
    space = parse_settings([], {"SYSTEM": "spaces", "SPACE_ID": "a/b"}).trusted_proxies
    assert space == {ANY_PEER} and parse_settings([], {}).trusted_proxies == frozenset()
    # the visitor wrote its own header; the Space's proxy appended the address it saw
    assert client_address("10.16.3.80", {"x-forwarded-for": "198.51.100.7, 203.0.113.9"}, space) == "203.0.113.9"
    assert client_address("10.16.3.80", {"x-forwarded-for": "203.0.113.9"}, space) == "203.0.113.9"
    assert client_address("10.16.3.80", {}, space) == "10.16.3.80"
    named = parse_settings(["--trusted-proxy", "10.0.0.1"], {"SYSTEM": "spaces", "SPACE_ID": "a/b"}).trusted_proxies
    assert named == {"10.0.0.1"}  # a named proxy replaces the Space's default


def test_a_client_that_fills_the_queue_gets_429_while_others_are_served(base_url, runtime):
    """The attack that locked every user out: generations posted and never read, each a new session."""
    wait_for_ready(runtime)
    release = hold_worker(runtime.worker)  # nothing finishes while the attacker posts
    try:
        with from_address("127.0.0.21") as attacker:
            codes = [attacker.post(f"{base_url}/gradio_api/call/generate", json={"data": ["Once", 512]}).status_code
                     for _ in range(20)]
            refused = attacker.post(f"{base_url}/gradio_api/call/generate", json={"data": ["Once", 512]})
        assert codes.count(200) == LONG_PER_CLIENT["generate"] and codes.count(429) == 20 - codes.count(200)
        assert "You already have 4 generations running or waiting" in refused.text
        with from_address("127.0.0.22") as other:  # another user, posting while the attacker's work is held
            posted = other.post(f"{base_url}/gradio_api/call/sentiment", json={"data": ["Still served?"]})
            assert posted.status_code == 200
            release.set()
            answer = other.get(f"{base_url}/gradio_api/call/sentiment/{posted.json()['event_id']}")
            assert "event: complete" in answer.text
    finally:
        release.set()


def test_long_work_from_many_clients_leaves_room_for_short_tasks(base_url, runtime):
    wait_for_ready(runtime)
    release = hold_worker(runtime.worker)
    try:
        codes, each = [], LONG_PER_CLIENT["generate"]
        clients = QUEUE_SHARES["generate"] // each + 2  # more generations than their share of the queue
        for n in range(clients):
            with from_address(f"127.0.0.{31 + n}") as client:
                codes += [client.post(f"{base_url}/gradio_api/call/generate", json={"data": ["Once", 5]})
                          for _ in range(each)]
        statuses = [answer.status_code for answer in codes]
        # as many run as decode together, and their share waits (fewer when an earlier test's still wait)
        assert 1 <= statuses.count(200) <= get_task("generate").concurrency + QUEUE_SHARES["generate"]
        assert statuses.count(503) == len(statuses) - statuses.count(200)
        assert all("already waiting" in answer.text for answer in codes if answer.status_code == 503)
        with from_address("127.0.0.40") as other:
            assert other.post(f"{base_url}/gradio_api/call/sentiment", json={"data": ["Room for me?"]}).status_code == 200
    finally:
        release.set()


def test_closing_the_stream_stops_a_non_streaming_job(base_url, runtime, monkeypatch):
    """A closed tab (its queue/data stream) and a dropped API call stop the work they asked for."""
    wait_for_ready(runtime)
    engine, worker = runtime.engine("sentiment"), runtime.worker
    steps, ended = [], []

    def endless(text):
        def job():
            try:
                while True:
                    steps.append(1)
                    worker.checkpoint()
                    time.sleep(0.02)
            except RequestCancelled:
                ended.append("cancelled")
                raise
        return worker.call(job, long=True, budget_s=300)

    monkeypatch.setattr(engine, "attribute", endless)
    for how in ("page", "api"):
        steps.clear(), ended.clear()
        with from_address("127.0.0.50") as http:
            if how == "page":
                session = BrowserSession(http, base_url)
                assert session.join("explain_sentiment", ["A fine film."]).status_code == 200
                url, params = f"{base_url}/gradio_api/queue/data", {"session_hash": session.session_hash}
            else:
                event_id = http.post(f"{base_url}/gradio_api/call/explain_sentiment",
                                     json={"data": ["A fine film."]}).json()["event_id"]
                url, params = f"{base_url}/gradio_api/call/explain_sentiment/{event_id}", {}
            with http.stream("GET", url, params=params) as stream:
                deadline = time.monotonic() + 30
                while len(steps) < 10:
                    assert time.monotonic() < deadline, "the job never started"
                    time.sleep(0.05)
                closed = time.monotonic()
                stream.close()
        deadline = closed + 30  # Gradio notices a closed stream within 10 s
        while not ended:
            assert time.monotonic() < deadline, f"{how}: the job still ran {time.monotonic() - closed:.0f} s after the close"
            time.sleep(0.1)
        frozen = len(steps)
        time.sleep(1.0)
        assert len(steps) == frozen, f"{how}: the job kept stepping after it was cancelled"
        print(f"\n{how}: stopped {time.monotonic() - closed - 1.0:.1f} s after its stream closed")


def test_every_request_inherits_admission_per_address(base_url, runtime):
    """Sessions of one address are one client: at most MAX_WAITING_PER_CLIENT requests at once."""
    wait_for_ready(runtime)
    release = hold_worker(runtime.worker)
    try:
        with from_address("127.0.0.60") as http:  # a new session per request: the per-session cap never applies
            answers = [BrowserSession(http, base_url).join("sentiment", [f"Fine {n}."])
                       for n in range(MAX_WAITING_PER_CLIENT + 2)]
        assert [a.status_code for a in answers] == [200] * MAX_WAITING_PER_CLIENT + [429] * 2
    finally:
        release.set()
    time.sleep(0.5)
    with from_address("127.0.0.61") as http:
        assert call(http, base_url, "sentiment", ["After the rush."])[0] == "complete"



def test_a_generation_nobody_reads_is_stopped(base_url, runtime, monkeypatch):
    """Posted and never fetched: Gradio would run it to its end (four such 512-token generations held
    a loaded server for minutes). Its messages wait unread, so it is stopped."""
    from demo.page import liveness
    from demo.engines.types import Piece

    wait_for_ready(runtime)
    monkeypatch.setattr(liveness, "UNREAD_LIMIT_S", 2.0)
    engine, made = runtime.engine("generate"), []

    def endless(prompt, settings, stop):
        while True:  # far longer than any test waits, unless stopped
            made.append(1)
            time.sleep(0.02)
            yield Piece(" x", 0.5, (), 1)

    monkeypatch.setattr(engine, "stream", endless)
    with from_address("127.0.0.70") as http:
        posted = http.post(f"{base_url}/gradio_api/call/generate", json={"data": ["Once", 512]})
        assert posted.status_code == 200
        deadline = time.monotonic() + 30
        while True:
            before = len(made)
            time.sleep(1.0)
            if len(made) == before and before > 0:
                break
            assert time.monotonic() < deadline, f"still generating after 30 s unread ({len(made)} pieces)"
    print(f"\nstopped after {len(made)} unread pieces")
    assert 0 < len(made) < 30 / 0.02


def test_a_client_may_send_its_next_search_as_soon_as_the_last_one_answered(base_url, runtime):
    """Gradio drops an answered event only after its clean-up: meanwhile the next search of the same
    client was refused "You already have 1 search" (a good client that waits for each answer)."""
    wait_for_ready(runtime)
    with from_address("127.0.0.61", 120) as client:
        kinds = [call(client, base_url, "counterfactual_sentiment", [f"A {word} film, and a {word} cast."])[0]
                 for word in ("plain", "bold", "quiet", "sharp", "gentle", "stern")]
    assert kinds == ["complete"] * 6, kinds
