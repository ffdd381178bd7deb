"""Start-up as a visitor meets it: seconds from the page served to the end of the warm-ups, and a visitor's
answers meanwhile.

    python -m bench.warm_up_end [--profile embedded] [--every 2] [--most 600]

Starts the app as a fresh start does (every model loads in the background, then the warm-ups: the bundled
examples' label sets, Compare's other sides, each endpoint's forecast, one step at a time while nobody
waits). From the page on, one visitor asks sentiment with a text never sent before every `--every`
seconds until the log says the warm-ups ended. Prints one JSON line. Loopback only.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

import httpx

from bench.load import percentile
from bench.peer import new_text
from bench.server import ROOT, call, running_server

ENDED = "warm-up hooks ran"  # the runtime's last line of the warm-ups


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", default="embedded")
    parser.add_argument("--every", type=float, default=2.0, help="seconds between the visitor's requests")
    parser.add_argument("--most", type=float, default=600.0, help="seconds to wait for the warm-ups at most")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        log_path = Path(scratch) / "app.log"
        started = time.monotonic()
        with running_server([str(ROOT / "app.py"), "--profile", args.profile], log_path) as (base_url, _), \
                httpx.Client(timeout=300) as http:
            page_s = time.monotonic() - started
            waits, kinds, ended_s = [], [], None
            while time.monotonic() - started < args.most:
                asked = time.monotonic()
                kind, _ = call(http, base_url, "sentiment", [new_text()])
                waits.append(time.monotonic() - asked)
                kinds.append(kind)
                if ENDED in log_path.read_text():
                    ended_s = time.monotonic() - started
                    break
                time.sleep(max(0.0, args.every - (time.monotonic() - asked)))
    figures = {"profile": args.profile, "page_s": round(page_s, 1),
               "warm_ups_ended_s_after_page": round(ended_s - page_s, 1) if ended_s else None,
               "visitor_answers": len(waits), "visitor_failed": sum(kind != "complete" for kind in kinds),
               "visitor_p50_s": round(statistics.median(waits), 2), "visitor_p95_s": round(percentile(waits, 95), 2),
               "visitor_worst_s": round(max(waits), 2)}
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
