"""Every answer and view of every tab on its bundled examples, as an audience sees them.

    python -m bench.views --profile embedded      # Gemma 3 270M, every tab
    python -m bench.views --profile hub           # the presets at their real sizes (random weights)
    python -m bench.views --only layers_generate  # some endpoints only

The app runs as its own process (`--preload`); each endpoint is called over its REST API with the
bundled examples of its tab (`examples/<task>.json`, the first `--examples` of each language),
first once per example on a text no later call asks (its first use, the worst of those: a model
side loaded on first use, such as the hub profile's Gemma for Compare, and a new label set's
calibration are in this figure, not in the others), then quiet (one call at a time: p50 and
worst), then loaded: `--visitors` calls at once, each from its own address, first all on one
text (a room following its presenter: the first example with a "(0)" after it, so the quiet pass
has not asked it), then each with a text of its own (the visitor's number after it): p50 and
worst of each. With `--profile hub` each preset's model is built at its real size first (`bench/hub_sizes.py`) and loaded cold once, alone, in this process, for its
load time and memory. Prints a Markdown table and one JSON line; the server's peak RSS is sampled.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import psutil

from bench.server import ROOT, call, running_app

TASKS = ("sentiment", "fill_mask", "next_sentence", "generate", "classify")


def endpoints_of(base_url: str) -> dict[str, list[str]]:
    """The app's endpoints per tab: the answer first, then its views."""
    from demo import registry
    from demo.engines import may_offer
    from demo.page.endpoint import answer_endpoint, view_endpoint

    served = set(httpx.get(f"{base_url}/gradio_api/info", timeout=30).json()["named_endpoints"])
    registry.get_task("classify")  # the built-in plug-ins register on first use
    out = {}
    for key in TASKS:
        task = registry.get_task(key)
        names = [answer_endpoint(task).api_name, *(view_endpoint(task, view).api_name for view in registry.VIEWS.values()
                                                   if may_offer(task, view.requires))]
        out[key] = [name for name in dict.fromkeys(names) if "/" + name in served]
    return out


def examples_of(task: str, per_language: int) -> list[list]:
    rows = json.loads((ROOT / "examples" / f"{task}.json").read_text(encoding="utf-8"))
    chinese = [r for r in rows if any("\u4e00" <= ch <= "\u9fff" for ch in str(r[0]))]
    english = [r for r in rows if r not in chinese]
    return english[:per_language] + chinese[:per_language]


def timed(base_url: str, api_name: str, data: list, address: str = "127.0.0.1") -> tuple[float, str]:
    with httpx.Client(transport=httpx.HTTPTransport(local_address=address), timeout=600) as http:
        started = time.perf_counter()
        kind, payload = call(http, base_url, api_name, data)
        return time.perf_counter() - started, kind if kind == "complete" else f"{kind}: {str(payload)[:120]}"


def visitor_input(example: list, n: int, own: bool) -> list:
    """The example with a number after its first text: 0 for every visitor (the room asks one new
    question: the quiet pass asked the example itself, whose views are kept), or (`own`) the
    visitor's number, so that no two visitors ask the same thing."""
    return [f"{example[0]} ({n + 1 if own else 0})", *example[1:]]


def measure(base_url: str, per_language: int, visitors: int, only: set[str] | None = None) -> list[dict]:
    rows = []
    for task, names in endpoints_of(base_url).items():
        examples = examples_of(task, per_language)
        for name in names:
            if only and name not in only:
                continue
            firsts = [timed(base_url, name, [f"{example[0]} (first)", *example[1:]]) for example in examples]
            first = max(seconds for seconds, _ in firsts)
            quiet, problems = [], [kind for _, kind in firsts if kind != "complete"]
            for example in examples:
                seconds, kind = timed(base_url, name, list(example))
                (quiet.append(seconds) if kind == "complete" else problems.append(kind))
            row = {"endpoint": name, "first_use_s": first,
                   "quiet_p50_s": statistics.median(quiet) if quiet else None,
                   "quiet_worst_s": max(quiet, default=None)}
            # a room following the presenter (one example), then each visitor with a text of their own
            for label, own in (("loaded", False), ("distinct", True)):
                with ThreadPoolExecutor(visitors) as pool:
                    loaded = list(pool.map(lambda n: timed(base_url, name, visitor_input(examples[0], n, own),
                                                           f"127.0.9.{n + 1}"), range(visitors)))
                problems += [kind for _, kind in loaded if kind != "complete"]
                done = [s for s, kind in loaded if kind == "complete"]
                row |= {f"{label}_p50_s": statistics.median(done) if done else None,
                        f"{label}_worst_s": max(done, default=None)}
            rows.append(row | {"problems": problems[:2]})
            print(json.dumps(rows[-1]), flush=True)
    return rows


def cold_loads(models: dict[str, Path]) -> dict[str, dict]:
    """Each distinct model folder loaded alone, as the app loads it: seconds and RSS added."""
    import gc

    import transformers

    from demo.models import ModelRef, detect_placement, load_model
    from demo.registry import get_task

    out, process = {}, psutil.Process()
    for key, path in models.items():
        if path.name in out:
            continue
        task = get_task(key.partition(".")[0])
        auto = getattr(transformers, task.classic.auto_model)
        before, started = process.memory_info().rss, time.perf_counter()
        loaded = load_model(ModelRef(str(path)), auto, detect_placement())
        out[path.name] = {"load_s": time.perf_counter() - started,
                          "rss_added_mb": (process.memory_info().rss - before) / 2**20,
                          "parameters_m": sum(p.numel() for p in loaded.model.parameters()) / 1e6}
        del loaded
        gc.collect()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", choices=("embedded", "hub"), default="embedded")
    parser.add_argument("--examples", type=int, default=2, help="examples per language per tab")
    parser.add_argument("--visitors", type=int, default=8)
    parser.add_argument("--only", default="", help="comma-separated endpoints to time (default: every one)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        models: dict[str, Path] = {}
        figures: dict = {"profile": args.profile}
        if args.profile == "hub":
            from bench.hub_sizes import build_hub_profile

            models = build_hub_profile(Path(scratch))
            figures["cold_loads"] = cold_loads(models)
        with running_app(models, ("--preload", "--profile", args.profile, "--compare-sides", "start")) as (
                base_url, process):
            server, peak, stop = psutil.Process(process.pid), [0], threading.Event()

            def sample() -> None:
                while not stop.wait(0.2):
                    peak[0] = max(peak[0], server.memory_info().rss)

            threading.Thread(target=sample, daemon=True).start()
            figures["rss_all_loaded_mb"] = server.memory_info().rss / 2**20
            rows = measure(base_url, args.examples, args.visitors, set(filter(None, args.only.split(","))))
            stop.set()
            figures["rss_peak_mb"] = peak[0] / 2**20
    print(f"\n| endpoint ({args.profile}) | first use | quiet p50 | quiet worst | {args.visitors} at once, one "
          f"example: p50 | worst | {args.visitors} at once, each their own text: p50 | worst |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for row in rows:
        cells = [f"{row[k]:.2f} s" if row[k] is not None else "–" for k in
                 ("first_use_s", "quiet_p50_s", "quiet_worst_s", "loaded_p50_s", "loaded_worst_s", "distinct_p50_s",
                  "distinct_worst_s")]
        print(f"| {row['endpoint']} | {' | '.join(cells)} |" + (f" {row['problems']}" if row["problems"] else ""))
    print(json.dumps(figures | {"endpoints": rows}, default=str))


if __name__ == "__main__":
    main()
