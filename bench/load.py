"""Load, soak and disconnect checks against the real app over its REST API, on tiny local models (Gemma 3 270M with --embedded).

    python -m bench.load [--clients 50] [--seconds 60]     # load: mixed tasks, bounded in time
    python -m bench.load --soak-minutes 10                  # soak: RSS of the server each minute
    python -m bench.load --disconnect                       # a client drops mid-generation
    python -m bench.load --hostile [--embedded]             # load plus big bodies, cancels, long work,
                                                            # a queue-filling client, explanations, an upload flood,
                                                            # the template and search attacks (bench.hostile), and
                                                            # a good visitor's answers to new texts meanwhile
    python -m bench.load --room [--visitors 40 --seconds 60 --embedded]   # a room behind a Space's proxy
                                                            # (bench.room, which takes the flags after it)

Prints a table and one final JSON line. All traffic goes to the loopback range only: each client
sends from its own 127.x address, so that the app's per-address admission sees separate users.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

from multiprocessing.pool import ThreadPool

import httpx
import psutil

from bench.server import BrowserSession, call, running_app
from bench.timing import median_time
from bench.tiny_models import build_all, build_gpt2

MIX = [
    ("sentiment", ["A warm and funny film."]),
    ("fill_mask", ["The [MASK] sat on the mat.", 5]),
    ("next_sentence", ["It rained all day.", "The streets were wet."]),
    ("generate", ["Once upon a time", 20]),
]


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile, within the values (the default "exclusive" method put a p95 of 16 answers past
    the worst of them)."""
    if len(values) < 2:
        return values[0] if values else 0.0
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def from_address(address: str, timeout: float) -> httpx.Client:
    """An HTTP client whose requests come from `address` (any 127.x.y.z reaches the loopback server)."""
    return httpx.Client(transport=httpx.HTTPTransport(local_address=address), timeout=timeout)


def good_address(n: int) -> str:
    return f"127.0.{1 + n // 250}.{1 + n % 250}"


def run_load(base_url: str, clients: int, seconds: float) -> dict:
    """`clients` threads send a random task mix for `seconds`; returns counts and latencies."""
    results: dict[str, list] = {"complete": [], "queue_full": [], "failed": []}
    busy_by_task: dict[str, int] = {}
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client_loop(seed: int) -> None:
        rng = random.Random(seed)
        with from_address(good_address(seed), 120) as http:
            while time.monotonic() < deadline:
                name, data = rng.choice(MIX)
                started = time.perf_counter()
                try:
                    kind, payload = call(http, base_url, name, data)
                except httpx.HTTPError as exc:
                    kind, payload = "failed", repr(exc)
                elapsed = time.perf_counter() - started
                outcome = kind if kind in ("complete", "queue_full") else "failed"
                with lock:
                    results[outcome].append((elapsed, name, payload if outcome == "failed" else None))
                    if outcome == "queue_full":
                        busy_by_task[name] = busy_by_task.get(name, 0) + 1

    threads = [threading.Thread(target=client_loop, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    latencies = [r[0] for r in results["complete"]]
    return {
        "completed": len(results["complete"]),
        "queue_full": len(results["queue_full"]),
        "failed": len(results["failed"]),
        "p50_s": statistics.median(latencies) if latencies else 0.0,
        "p95_s": percentile(latencies, 95),
        "failures_sample": [str(r[1:]) for r in results["failed"][:3]],
        "queue_full_by_task": busy_by_task,
    }


LONG_FILL = ["The [MASK] " * 10 + "sat on the mat.", 50]
HUGE_PROMPT = ["word " * 40_000, 20]


EXPLANATIONS = [  # the longest each takes on the tiny models (64 positions; GPT-2: 1,024)
    ("explain_sentiment", [" ".join(["a warm and funny film"] * 11)]),
    ("explain_next_sentence", ["It snowed all night.", " ".join(["by morning the roads were closed"] * 7)]),
    ("fill_mask_two_ways", LONG_FILL),
    ("score_text", ["word " * 1_000]),
    ("compare_sentiment", ["A warm and funny film."]),
    ("explain_classify", [" ".join(["a warm and funny film"] * 11), ", ".join(f"label {n}" for n in range(20))]),
    ("compare_classify", ["A warm and funny film.", ", ".join(f"label {n}" for n in range(20))]),
    ("attention_next_sentence", ["It snowed all night.", "by morning the roads were closed " * 4]),
    ("steps_sentiment", [" ".join(["a warm and funny film"] * 11)]),
    ("layers_generate", ["word " * 500]),  # under the lens's 512 tokens: one pass, the output layer once a layer
    ("layers_fill_mask", [" ".join(["the [MASK] sat on the mat"] * 10)]),
    # at their declared limits: 20 labels of 100 characters, a 300-character template
    ("classify", ["A warm and funny film.", ", ".join(f"{n:02d}" + "x" * 98 for n in range(20)), False,
                  "{}" + " about it" * 33]),
    ("compare_next_sentence", ["It snowed all night.", "by morning the roads were closed " * 4]),
    ("counterfactual_sentiment", [" ".join(["a warm and funny film"] * 11)]),
]


def run_hostile(base_url: str, seconds: float, upload_folder: Path | None = None) -> dict:
    """Hostile clients for `seconds`, each from its own address: 20 MB bodies, requests cancelled
    right after joining, the longest valid work (ten masks with top_k 50, a 200,000-character
    prompt), a client that fills the queue with 512-token generations it never reads, the longest
    explanations of every kind, and an upload flood of 2 MB CSVs. Counts what they got."""
    counts = {"big_bodies_refused": 0, "big_bodies_other": 0, "cancelled": 0, "long_jobs": 0,
              "queue_fill_accepted": 0, "queue_fill_429": 0, "queue_fill_503": 0, "queue_fill_other": 0, "explanations": 0,
              "explanations_refused": 0, "uploads_accepted": 0, "uploads_429": 0, "uploads_other": 0,
              "upload_folder_max_mb": 0.0}
    lock = threading.Lock()
    deadline = time.monotonic() + seconds
    big = json.dumps({"data": ["x" * 20_000_000]}).encode()

    def count(name: str) -> None:
        with lock:
            counts[name] += 1

    def big_bodies() -> None:
        with from_address("127.0.200.1", 60) as http:
            while time.monotonic() < deadline:
                answer = http.post(f"{base_url}/gradio_api/call/sentiment", content=big,
                                   headers={"content-type": "application/json"})
                count("big_bodies_refused" if answer.status_code == 413 else "big_bodies_other")

    def cancels() -> None:
        with from_address("127.0.200.2", 60) as http:
            while time.monotonic() < deadline:
                session = BrowserSession(http, base_url)  # a new session each time: the per-session cap never applies
                name, data = random.choice([("fill_mask", LONG_FILL), ("generate", ["Once upon a time", 512])])
                joined = session.join(name, data)
                time.sleep(0.2)
                if joined.status_code == 200:
                    session.cancel(name, joined.json()["event_id"])
                    count("cancelled")

    def long_jobs() -> None:
        with from_address("127.0.200.3", 300) as http:
            while time.monotonic() < deadline:
                name, data = random.choice([("fill_mask", LONG_FILL), ("generate", HUGE_PROMPT)])
                call(http, base_url, name, data)
                count("long_jobs")

    def queue_fill() -> None:  # the attack that once locked every user out: posts, never reads
        with from_address("127.0.200.4", 60) as http:
            while time.monotonic() < deadline:
                posted = http.post(f"{base_url}/gradio_api/call/generate", json={"data": ["Once upon a time", 512]})
                count({200: "queue_fill_accepted", 429: "queue_fill_429", 503: "queue_fill_503"}.get(posted.status_code, "queue_fill_other"))
                time.sleep(0.05)

    def explanations() -> None:
        with from_address("127.0.200.5", 300) as http:
            while time.monotonic() < deadline:
                kind, _ = call(http, base_url, *random.choice(EXPLANATIONS))
                count("explanations" if kind == "complete" else "explanations_refused")

    def uploads() -> None:
        data = b"text,label\n" + b"A fine film.,1\n" * 130_000  # 1.95 MB
        with from_address("127.0.200.6", 60) as http:
            while time.monotonic() < deadline:
                answer = http.post(f"{base_url}/gradio_api/upload", files={"files": ("set.csv", data, "text/csv")})
                count({200: "uploads_accepted", 429: "uploads_429"}.get(answer.status_code, "uploads_other"))
                if upload_folder is not None and upload_folder.exists():
                    size = sum(p.stat().st_size for p in upload_folder.rglob("*") if p.is_file()) / 2**20
                    with lock:
                        counts["upload_folder_max_mb"] = max(counts["upload_folder_max_mb"], round(size, 1))

    threads = [threading.Thread(target=target) for target in
               (big_bodies, cancels, long_jobs, queue_fill, explanations, uploads)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return counts


def quiet_latency(base_url: str, runs: int = 10) -> float:
    """Median sentiment latency with no other traffic."""
    with from_address("127.0.100.1", 60) as http:
        return median_time(lambda: call(http, base_url, "sentiment", ["A warm and funny film."]), runs)


def measure_disconnect(base_url: str, log_path: Path) -> float:
    """Seconds from a client dropping a streaming generation to the server ending that generation."""
    with httpx.Client(timeout=60) as http:
        event_id = http.post(f"{base_url}/gradio_api/call/generate",
                             json={"data": ["Once upon a time", 512, 1.0, 1.0, 0, 1.0, 0]}).json()["event_id"]
        with http.stream("GET", f"{base_url}/gradio_api/call/generate/{event_id}") as stream:
            for line in stream.iter_lines():
                if line.startswith("event: generating"):
                    break
        dropped = time.monotonic()
    while time.monotonic() - dropped < 60:
        ended = re.search(r"generation ended after ([\d.]+) s \(stopped early: (\w+)\)", log_path.read_text())
        if ended:
            elapsed = time.monotonic() - dropped
            if ended.group(2) != "True":
                raise RuntimeError(f"generation ran to its end instead of stopping: {ended.group(0)}")
            return elapsed
        time.sleep(0.01)
    return float("inf")


def main() -> None:
    if "--room" in sys.argv:  # the room has its own module and flags
        from bench import room

        sys.argv.remove("--room")
        return room.main()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--soak-minutes", type=int, default=0)
    parser.add_argument("--disconnect", action="store_true")
    parser.add_argument("--hostile", action="store_true", help="hostile clients beside the good ones")
    parser.add_argument("--embedded", action="store_true", help="the app on Gemma 3 270M (default: tiny models)")
    args = parser.parse_args()
    figures: dict = {}
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        if args.disconnect:
            # a GPT-2-sized model, so that 512 tokens take long enough to drop the client mid-way
            models = {"generate": build_gpt2(root / "gpt2-base-size", size="base")}
            log_path = root / "server.log"
            with running_app(models, log_path=log_path) as (base_url, _):
                figures["disconnect_to_thread_end_s"] = measure_disconnect(base_url, log_path)
        else:
            models = {} if args.embedded else build_all(root / "models")
            uploads = root / "gradio-files"
            os.environ["GRADIO_TEMP_DIR"] = str(uploads)  # the server's own upload folder, measured
            profile = ("--profile", "embedded") if args.embedded else ()
            with running_app(models, ("--preload", *profile)) as (base_url, process):
                server = psutil.Process(process.pid)
                figures["quiet_p50_before_s"] = quiet_latency(base_url)
                if args.soak_minutes:
                    rss = []
                    for _minute in range(args.soak_minutes):
                        run_load(base_url, 10, 60)
                        rss.append(server.memory_info().rss / 2**20)
                        print(f"minute {len(rss)}: server RSS {rss[-1]:.0f} MB", flush=True)
                    figures["soak_rss_mb"] = [round(r) for r in rss]
                    figures["soak_rss_growth_mb"] = rss[-1] - rss[0]
                elif args.hostile:
                    figures["server_rss_before_mb"] = server.memory_info().rss / 2**20
                    peak, sampling = [0.0], threading.Event()

                    def sample() -> None:
                        while not sampling.is_set():
                            peak[0] = max(peak[0], server.memory_info().rss / 2**20)
                            time.sleep(0.5)

                    threading.Thread(target=sample, daemon=True).start()
                    from bench.hostile import attacks, good_visitor  # it reads this module's helpers

                    figures["attacks"] = attacks(base_url)  # the 13-character template and its kin, long searches
                    with ThreadPool(2) as pool:
                        hostile = pool.apply_async(run_hostile, (base_url, args.seconds, uploads))
                        visitor = pool.apply_async(good_visitor, (base_url, time.monotonic() + args.seconds))
                        figures |= run_load(base_url, args.clients, args.seconds)
                        figures |= hostile.get()
                        figures["good_visitor_new_texts"] = visitor.get()
                    sampling.set()
                    figures["server_rss_peak_mb"] = peak[0]
                    figures["clients"], figures["seconds"] = args.clients, args.seconds
                else:
                    figures |= run_load(base_url, args.clients, args.seconds)
                    figures["clients"], figures["seconds"] = args.clients, args.seconds
                figures["quiet_p50_after_s"] = quiet_latency(base_url)
                figures["server_rss_mb"] = server.memory_info().rss / 2**20
    for name, value in figures.items():
        print(f"{name:28s} {value:.3f}" if isinstance(value, float) else f"{name:28s} {value}")
    print(json.dumps({k: round(v, 4) if isinstance(v, float) else v for k, v in figures.items()}))


if __name__ == "__main__":
    main()
