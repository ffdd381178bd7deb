"""The app against a textbook Gradio demo on the same DistilBERT-size sentiment checkpoint.

    python -m bench.peer [--runs 60] [--clients 16] [--per-client 12]

Both servers run at once; requests alternate between them so both see the same machine. One
client through the REST API gives the median latency (p50); `--clients` clients at once, each
from its own loopback address, give the throughput. Prints one JSON line; the figures that
matter are the two ratios, app over peer.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from bench.perf import SHORT_TEXTS
from bench.server import call, running_app, running_server
from bench.tiny_models import build_all


def one_call_s(http: httpx.Client, base_url: str, text: str) -> float:
    started = time.perf_counter()
    kind, _ = call(http, base_url, "sentiment", [text])
    if kind != "complete":
        raise RuntimeError(f"{base_url} answered {kind}")
    return time.perf_counter() - started


def latencies(servers: dict[str, str], runs: int) -> dict[str, float]:
    """Median seconds of one request, the servers taking turns."""
    times: dict[str, list[float]] = {name: [] for name in servers}
    with httpx.Client(timeout=120) as http:
        for name, url in servers.items():  # warm both: the first request builds caches
            for text in SHORT_TEXTS:
                one_call_s(http, url, text)
        for run in range(runs):
            order = list(servers.items()) if run % 2 == 0 else list(servers.items())[::-1]
            for name, url in order:
                times[name].append(one_call_s(http, url, SHORT_TEXTS[run % len(SHORT_TEXTS)]))
    return {name: statistics.median(values) for name, values in times.items()}


def throughput(url: str, clients: int, per_client: int) -> float:
    """Requests per second answered with `clients` clients sending at once."""
    def one_client(index: int) -> None:
        transport = httpx.HTTPTransport(local_address=f"127.0.0.{2 + index}")
        with httpx.Client(timeout=300, transport=transport) as http:
            for request in range(per_client):
                one_call_s(http, url, SHORT_TEXTS[(index + request) % len(SHORT_TEXTS)])

    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(one_client, range(clients)))
    return clients * per_client / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=60)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--per-client", type=int, default=12)
    parser.add_argument("--rounds", type=int, default=3, help="throughput rounds per server, alternating")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        model = build_all(Path(scratch), "base")["sentiment"]
        app_args = ("--profile", "hub", "--lazy")
        with running_app({"sentiment": model}, app_args) as (app_url, _), \
                running_server(["-m", "bench.textbook_app", "--model", str(model)]) as (peer_url, _):
            servers = {"app": app_url, "peer": peer_url}
            p50 = latencies(servers, args.runs)
            rates: dict[str, list[float]] = {name: [] for name in servers}
            for round_ in range(args.rounds):
                for name in (servers if round_ % 2 == 0 else list(servers)[::-1]):
                    rates[name].append(throughput(servers[name], args.clients, args.per_client))
    rate = {name: statistics.median(values) for name, values in rates.items()}
    figures = {"app_p50_ms": round(1000 * p50["app"], 2), "peer_p50_ms": round(1000 * p50["peer"], 2),
               "p50_ratio": round(p50["app"] / p50["peer"], 3),
               "app_requests_per_s": round(rate["app"], 2), "peer_requests_per_s": round(rate["peer"], 2),
               "throughput_ratio": round(rate["app"] / rate["peer"], 3), "clients": args.clients}
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
