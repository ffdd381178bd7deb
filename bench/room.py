"""A room of visitors, as on a Space: the app behind nginx acting as the Space's proxy.

    python -m bench.room                      # 40 visitors, one press each, then an audience for 60 s
    python -m bench.room --visitors 40 --seconds 120 --embedded
    python -m bench.room --generation-only    # tokens/s of 1, 8 and 16 concurrent generations (Gemma)

The room: each visitor sends from its own loopback address through nginx (`scripts/replicas.py
--as-space`: the app in a Space's environment, no flags, reached from an untrusted address); first
every visitor presses one button at the same moment (a third each: sentiment, an explanation, a
20-token generation), then for `--seconds` every visitor presses again as soon as it is answered.
Generation: Gemma 3 270M through the app's own engine (no web layer), N concurrent visitors each
generating 40 tokens, against one visitor alone, in the same run. Prints a table and one JSON line.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import threading
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import psutil

from bench.server import call, running_replicas
from bench.tiny_models import build_all

PRESSES = [("sentiment", ["A warm, funny film that never lets up."]),
           ("explain_sentiment", ["A warm, funny film that never lets up."]),
           ("generate", ["Once upon a time", 20])]


def generation_rates(concurrency: tuple[int, ...] = (1, 8, 16), tokens: int = 40) -> dict[str, float]:
    """Tokens per second in all with N visitors generating at once, through the app's engine."""
    from demo.engines.types import GenerationSettings
    from demo.profiles import plan
    from demo.runtime import Runtime

    engine = Runtime(plan("embedded")).engine("generate")

    def one(seed: int) -> int:
        prompt = engine.prepare("Once upon a time, in a small village by the sea,", tokens)
        settings = GenerationSettings(max_new_tokens=tokens, seed=seed)
        return sum(piece.tokens for piece in engine.stream(prompt, settings, threading.Event()))

    one(0)  # warm-up
    results = {}
    for n in concurrency:
        started = time.perf_counter()
        with ThreadPoolExecutor(n) as pool:
            made = sum(pool.map(one, range(n)))
        results[f"tokens_per_s_{n}"] = made / (time.perf_counter() - started)
    for n in concurrency[1:]:
        results[f"ratio_{n}_to_1"] = results[f"tokens_per_s_{n}"] / results[f"tokens_per_s_{concurrency[0]}"]
    return results


def press(base_url: str, address: str, api_name: str, data: list, start: threading.Barrier | None = None):
    """One visitor's one press from its own address (once every visitor is ready, given `start`):
    (endpoint, how it ended, seconds)."""
    with httpx.Client(transport=httpx.HTTPTransport(local_address=address), timeout=600) as http:
        if start is not None:
            start.wait()
        began = time.perf_counter()
        ended = call(http, base_url, api_name, data)[0]
        return api_name, ended, time.perf_counter() - began


def presses_at_once(base_url: str, presses: list[tuple[str, list]]) -> list[tuple[str, str, float]]:
    """Every press from its own visitor (127.0.1.N) at the same moment, as `press` answers them."""
    start = threading.Barrier(len(presses))
    with ThreadPoolExecutor(len(presses)) as pool:
        return list(pool.map(lambda n: press(base_url, f"127.0.1.{n + 1}", *presses[n], start), range(len(presses))))


def summary(results: list[tuple[str, str, float]]) -> dict:
    waits = defaultdict(list)
    for api_name, ended, seconds in results:
        if ended == "complete":
            waits[api_name].append(seconds)
    out = {"answered": sum(e == "complete" for _, e, _ in results),
           "refused": sum(e in ("too_many", "queue_full") for _, e, _ in results),
           "failed": sum(e not in ("complete", "too_many", "queue_full") for _, e, _ in results)}
    for api_name, seconds in waits.items():
        seconds.sort()
        out[f"{api_name}_p50_s"] = statistics.median(seconds)
        out[f"{api_name}_p95_s"] = seconds[min(len(seconds) - 1, int(0.95 * len(seconds)))]
    return out


def audience(base_url: str, visitors: int, seconds: float) -> list:
    """Every visitor presses again as soon as it is answered, until `seconds` have passed."""
    deadline = time.monotonic() + seconds

    def visitor(n: int) -> list:
        done, k = [], n
        while time.monotonic() < deadline:
            done.append(press(base_url, f"127.0.1.{n + 1}", *PRESSES[k % 3]))
            k += 1
        return done

    with ThreadPoolExecutor(visitors) as pool:
        return [r for rs in pool.map(visitor, range(visitors)) for r in rs]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--visitors", type=int, default=40)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--embedded", action="store_true", help="the room on Gemma 3 270M (default: tiny models)")
    parser.add_argument("--generation-only", action="store_true")
    args = parser.parse_args()
    results: dict = {}
    if not args.generation_only:
        results.update(room(args))
    results.update({f"generation_{k}": v for k, v in generation_rates().items()})
    for name, value in results.items():
        print(f"{name:44s} {value:10.2f}" if isinstance(value, float) else f"{name:44s} {value!s:>10}")
    print(json.dumps({k: round(v, 3) if isinstance(v, float) else v for k, v in results.items()}))


def room(args) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        app_args = ["--profile", "embedded"] if args.embedded else ["--profile", "hub"] + [
            arg for task, path in build_all(Path(folder)).items() for arg in ("--model", f"{task}={path}")]
        with running_replicas(["--as-space", "--replicas", "1"], ["--preload", *app_args],
                              Path(folder) / "room.log") as started:
            server, peak, stop = psutil.Process(started["replicas"][0]["pid"]), [0], threading.Event()

            def sample() -> None:
                while not stop.wait(0.2):
                    peak[0] = max(peak[0], server.memory_info().rss)

            threading.Thread(target=sample, daemon=True).start()
            rss_before = server.memory_info().rss
            once = presses_at_once(started["url"], [PRESSES[n % 3] for n in range(args.visitors)])
            sustained = audience(started["url"], args.visitors, args.seconds)
            stop.set()
    out = {f"once_{k}": v for k, v in summary(once).items()}
    out |= {f"audience_{k}": v for k, v in summary(sustained).items()}
    out |= {"server_rss_before_mb": rss_before / 2**20, "server_rss_peak_mb": peak[0] / 2**20}
    print(f"once: {dict(Counter((a, e) for a, e, _ in once))}")
    return out


if __name__ == "__main__":
    main()
