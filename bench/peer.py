"""The app against a textbook Gradio demo on the same DistilBERT-size sentiment checkpoint.

    python -m bench.peer [--runs 60] [--clients 16] [--per-client 12] [--busy 2] [--start]

Both servers run at once; requests alternate between them so both see the same machine, each with
a text never sent before (the app shares identical answers: a repeated text would time its store).
One client through the REST API gives the median latency (p50); `--clients` clients at once, each
from its own loopback address, give the throughput. `--busy N` runs N processes spinning on the
cores meanwhile (a room, a Space's neighbours). `--start` measures the app right after it starts,
every tab's tiny model loading in the background with its warm-ups (Compare's other side, the
bundled examples, the forecasts), and says how many of the app's answers came before the warm-ups
ended. Prints one JSON line; the figures that matter are the ratios, app over peer.
"""

from __future__ import annotations

import argparse
import itertools
import json
import multiprocessing
import statistics
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import httpx

from bench.load import percentile
from bench.perf import SHORT_TEXTS
from bench.server import call, running_app, running_server
from bench.tiny_models import build_all, build_distilbert_classifier

WARMED, READY = "warm-up hooks ran", "every tab is ready"


def one_call_s(http: httpx.Client, base_url: str, text: str) -> float:
    started = time.perf_counter()
    kind, _ = call(http, base_url, "sentiment", [text])
    if kind != "complete":
        raise RuntimeError(f"{base_url} answered {kind}")
    return time.perf_counter() - started


NEW = itertools.count()


def new_text() -> str:
    """A short review never sent before in this run."""
    n = next(NEW)
    return f"{SHORT_TEXTS[n % len(SHORT_TEXTS)]} (review {n})"


def latencies(servers: dict[str, str], runs: int, warm: bool = True) -> dict[str, list[float]]:
    """Seconds of each request, the servers taking turns on the same new texts."""
    times: dict[str, list[float]] = {name: [] for name in servers}
    with httpx.Client(timeout=600) as http:
        for name, url in servers.items() if warm else ():  # warm both: the first request builds caches
            for text in SHORT_TEXTS:
                one_call_s(http, url, text)
        for run in range(runs):
            order = list(servers.items()) if run % 2 == 0 else list(servers.items())[::-1]
            text = new_text()
            for name, url in order:
                times[name].append(one_call_s(http, url, text))
    return times


def throughput(url: str, clients: int, per_client: int) -> float:
    """Requests per second answered with `clients` clients sending at once."""
    def one_client(index: int) -> None:
        transport = httpx.HTTPTransport(local_address=f"127.0.0.{2 + index}")
        with httpx.Client(timeout=300, transport=transport) as http:
            for _ in range(per_client):
                one_call_s(http, url, new_text())

    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(one_client, range(clients)))
    return clients * per_client / (time.perf_counter() - started)


def spin() -> None:
    while True:
        pass


@contextmanager
def spinning(count: int):
    """`count` processes spinning on the cores while the block runs."""
    spinners = [multiprocessing.Process(target=spin, daemon=True) for _ in range(count)]
    for process in spinners:
        process.start()
    try:
        yield
    finally:
        for process in spinners:
            process.terminate()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=60)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--per-client", type=int, default=12)
    parser.add_argument("--rounds", type=int, default=3, help="throughput rounds per server, alternating")
    parser.add_argument("--busy", type=int, default=0, help="processes spinning on the cores meanwhile")
    parser.add_argument("--start", action="store_true", help="right after the app starts, during its warm-ups")
    args = parser.parse_args()
    figures: dict = {"busy": args.busy, "clients": args.clients}
    with tempfile.TemporaryDirectory() as scratch:
        # the DistilBERT-base-size sentiment model for both; the app's other tabs (--start) on tiny models
        models = build_all(Path(scratch) / "tiny") | {
            "sentiment": build_distilbert_classifier(Path(scratch) / "distilbert-base", 512, "base")}
        log_path = Path(scratch) / "app.log"
        # --start: every tab's model, loaded in the background as a fresh start does, Compare's sides at start
        app_args = ("--profile", "hub", "--compare-sides", "start") if args.start else ("--profile", "hub", "--lazy")
        with running_server(["-m", "bench.textbook_app", "--model", str(models["sentiment"])]) as (peer_url, _), \
                running_app(models if args.start else {"sentiment": models["sentiment"]}, app_args,
                            log_path) as (app_url, _), spinning(args.busy):
            servers = {"app": app_url, "peer": peer_url}
            started = time.monotonic()
            times = latencies(servers, args.runs, warm=not args.start)
            figures |= {f"{name}_p50_ms": round(1000 * statistics.median(values), 2) for name, values in times.items()}
            figures |= {f"{name}_p95_ms": round(1000 * percentile(values, 95), 2) for name, values in times.items()}
            figures["p50_ratio"] = round(statistics.median(times["app"]) / statistics.median(times["peer"]), 3)
            if args.start:
                log = log_path.read_text()
                figures["app_answers_s"] = round(time.monotonic() - started, 1)
                figures["warm_ups_ended_during_them"] = WARMED in log
                figures["every_tab_ready_line"] = next((line[:160] for line in log.splitlines() if READY in line), "")
            else:
                rates: dict[str, list[float]] = {name: [] for name in servers}
                for round_ in range(args.rounds):
                    for name in (servers if round_ % 2 == 0 else list(servers)[::-1]):
                        rates[name].append(throughput(servers[name], args.clients, args.per_client))
                rate = {name: statistics.median(values) for name, values in rates.items()}
                figures |= {"app_requests_per_s": round(rate["app"], 2), "peer_requests_per_s": round(rate["peer"], 2),
                            "throughput_ratio": round(rate["app"] / rate["peer"], 3)}
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
