"""A good visitor beside hostile ones: the template and search attacks, and addresses sending the
longest valid searches and explanations, while one visitor asks sentiment with a text of their own
each time (the app keeps identical answers: a repeated text would time the store).

    python -m bench.hostile [--embedded] [--addresses 6] [--seconds 60]

First the visitor alone (quiet), then the attacks (each refused at once, or counted), then the
mix: `--addresses` clients, each from its own address, sending the longest searches and
explanations the declared bounds allow. Prints a table and one final JSON line. Loopback only.
"""

from __future__ import annotations

import argparse
import itertools
import json
import statistics
import tempfile
import threading
import time
from pathlib import Path

import psutil

from bench.load import from_address, percentile
from bench.server import call, running_app
from bench.tiny_models import build_all

# 13 characters that once padded every label to 3,000 characters (400 s), and the kin that ended in tracebacks
TEMPLATES = ["{{}}{:㐀>3000}", "{{}}{:x>400}", "{{}}{x}", "{} {1}", "{}{0}"]
LONG_REVIEW, LONG_REVIEW_ZH = "a fine and moving film. " * 8_300, "这部电影很好看，演员也很好。" * 14_000  # ~200,000 characters
LONG_SEARCHES = [("counterfactual_sentiment", [LONG_REVIEW]), ("counterfactual_sentiment", [LONG_REVIEW_ZH]),
                 ("counterfactual_next_sentence", [LONG_REVIEW, LONG_REVIEW])]
REVIEW = ("The first hour drags, the jokes land half the time, and yet the last scene, quiet and warm, stayed with "
          "me all week; the lead is wonderful and the music is lovely. ")
# the longest valid work of each kind: searches within their 2,000 characters, explanations of a long text
# (each gets " (client-request)" after it: a text of its own)
MAX_WORK = [("counterfactual_sentiment", [(REVIEW * 13)[:1_985]]),
            ("counterfactual_classify", [(REVIEW * 13)[:1_985], "film, music, sport, food"]),
            ("explain_sentiment", [REVIEW * 3]),  # ~170 Gemma tokens: explanations read 256 at most
            ("demonstrations_sentiment", [REVIEW * 3]),  # the review after each of 8 shorter prompts
            ("explain_classify", [REVIEW * 3, ", ".join(f"topic {n}" for n in range(20))])]
WORDS = "warm cold bright dull long short kind cruel calm loud sweet bitter quick slow".split()


def attacks(base_url: str) -> dict:
    """Each template and long search once: how long each took to be answered, and how."""
    out: dict = {}
    with from_address("127.0.201.1", 600) as http:
        for template in TEMPLATES:
            started = time.perf_counter()
            kind, payload = call(http, base_url, "classify", ["A short text.", "lab3000x0, lab3000x1", False, template])
            out[f"template {template}"] = (kind, round(time.perf_counter() - started, 2), str(payload)[:90])
        for name, data in LONG_SEARCHES:
            started = time.perf_counter()
            kind, payload = call(http, base_url, name, data)
            out[f"{name} {len(data[0]):,} chars"] = (kind, round(time.perf_counter() - started, 2), str(payload)[:90])
    return out


ASKED = itertools.count()  # across the phases of a run: a text asked in an earlier phase would come back kept


def good_visitor(base_url: str, until: float, address: str = "127.0.202.1") -> dict:
    """Sentiment with a new text each time until `until`: latencies of answers, and failures."""
    latencies, failures, count = [], [], ASKED
    with from_address(address, 600) as http:
        while time.monotonic() < until:
            n = next(count)
            text = f"Visitor review {n}: a {WORDS[n % len(WORDS)]} and {WORDS[(n * 5 + 3) % len(WORDS)]} film."
            started = time.perf_counter()
            kind, payload = call(http, base_url, "sentiment", [text])
            (latencies if kind == "complete" else failures).append(time.perf_counter() - started)
            time.sleep(0.5)
    return {"answers": len(latencies), "failed": len(failures),
            "p50_s": round(statistics.median(latencies), 3) if latencies else None,
            "p95_s": round(percentile(latencies, 95), 3) if latencies else None,
            "worst_s": round(max(latencies), 3) if latencies else None}


def mix(base_url: str, addresses: int, seconds: float) -> dict:
    """`addresses` clients sending the longest valid work for `seconds`, a good visitor beside them."""
    until = time.monotonic() + seconds
    done, said = {"complete": 0, "refused": 0}, {}
    lock = threading.Lock()

    def hostile(n: int) -> None:
        with from_address(f"127.0.203.{n + 1}", 600) as http:
            for i in itertools.count(n):
                if time.monotonic() >= until:
                    return
                name, data = MAX_WORK[i % len(MAX_WORK)]
                data = [f"{data[0]} ({n}-{i})", *data[1:]]  # a text of its own: no kept answer serves it
                kind, payload = call(http, base_url, name, data)
                with lock:
                    done["complete" if kind == "complete" else "refused"] += 1
                    if kind != "complete":
                        said.setdefault(name, str(payload)[:120])  # what each kind was refused with, once

    threads = [threading.Thread(target=hostile, args=(n,)) for n in range(addresses)]
    for thread in threads:
        thread.start()
    visitor = good_visitor(base_url, until)
    for thread in threads:
        thread.join()
    return {"visitor": visitor, "hostile_answered": done["complete"], "hostile_refused": done["refused"],
            "refused_with": said}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--embedded", action="store_true", help="the app on Gemma 3 270M (default: tiny models)")
    parser.add_argument("--addresses", type=int, default=6)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--no-attacks", action="store_true", help="the mix only (an older build took 400 s for one)")
    args = parser.parse_args()
    figures: dict = {}
    with tempfile.TemporaryDirectory() as scratch:
        models = {} if args.embedded else build_all(Path(scratch) / "models")
        profile = ("--profile", "embedded") if args.embedded else ()
        with running_app(models, ("--preload", *profile)) as (base_url, process):
            server = psutil.Process(process.pid)
            figures["quiet_visitor"] = good_visitor(base_url, time.monotonic() + 15)
            figures["attacks"] = {} if args.no_attacks else attacks(base_url)
            before = server.memory_info().rss / 2**20
            figures["mix"] = mix(base_url, args.addresses, args.seconds)
            figures["rss_mb_before_after"] = (round(before), round(server.memory_info().rss / 2**20))
            figures["after_visitor"] = good_visitor(base_url, time.monotonic() + 10)
    for name, value in figures.items():
        print(f"{name:22s} {value}")
    print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    main()
