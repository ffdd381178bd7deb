"""Start-up: seconds from `python app.py` to the page served, to every tab ready, and each tab's first answer.

    python -m bench.start [--profile embedded] [app flags...]

Prints a table and one final JSON line. All traffic goes to 127.0.0.1 only.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

import httpx

from bench.server import ROOT, call, running_server

FIRST_REQUESTS = [
    ("sentiment", ["A gorgeous, witty film."]),
    ("fill_mask", ["The capital of France is [MASK].", 5]),
    ("next_sentence", ["It snowed all night.", "The roads were closed."]),
    ("generate", ["Once upon a time,", 20]),
]
READY_LINE = "models loaded and warmed"


def main() -> None:
    args = sys.argv[1:] or ["--profile", "embedded"]
    figures: dict = {}
    with tempfile.TemporaryDirectory() as scratch:
        log_path = Path(scratch) / "server.log"
        started = time.monotonic()
        with running_server([str(ROOT / "app.py"), *args], log_path) as (base_url, _):
            figures["page_served_s"] = time.monotonic() - started
            while READY_LINE not in log_path.read_text():
                if time.monotonic() - started > 600:
                    raise RuntimeError("the models never became ready")
                time.sleep(0.05)
            figures["all_tabs_ready_s"] = time.monotonic() - started
            with httpx.Client(timeout=120) as http:
                for task, data in FIRST_REQUESTS:
                    asked = time.perf_counter()
                    kind, _ = call(http, base_url, task, data)
                    figures[f"first_{task}_s"] = time.perf_counter() - asked if kind == "complete" else kind
    for name, value in figures.items():
        print(f"{name:24s} {value:.2f}" if isinstance(value, float) else f"{name:24s} {value}")
    print(json.dumps({k: round(v, 3) if isinstance(v, float) else v for k, v in figures.items()}))


if __name__ == "__main__":
    main()
