"""Valid requests at their heavy end, answered or refused, on the embedded app, quiet or beside processes
spinning on the cores (a room, a Space's neighbours).

    python -m bench.valid [--busy 2]

New label sets of 4 and 20 labels in English and Chinese (labels and texts never used before in the run,
so no kept calibration or answer serves them), a two-blank Chinese fill, an explanation of a new review,
and what flips it on the bundled English reviews. Prints each request's outcome and seconds, and one JSON
line. Loopback only.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import time
import uuid

import httpx

from bench.peer import spinning
from bench.server import call, running_app
from demo.tasks.base import load_examples


def timed(http: httpx.Client, base_url: str, name: str, data: list) -> tuple[str, float, str]:
    started = time.perf_counter()
    kind, payload = call(http, base_url, name, data)
    flipped = kind == "complete" and name.startswith("counterfactual") and not str(payload).startswith('[""')
    return kind, round(time.perf_counter() - started, 2), "flipped" if flipped else str(payload)[:100]


def requests(tag: str) -> list[tuple[str, str, list]]:
    reviews = [row[0] for row in load_examples("sentiment") if row[0].isascii()][:3]
    return [
        ("classify, 4 new English labels", "classify",
         [f"The match ended two all after extra time ({tag}).", f"weather {tag}, sports {tag}, cooking {tag}, finance {tag}"]),
        ("classify, 4 new Chinese labels", "classify",
         [f"比赛在加时赛后二比二结束（{tag}）。", f"天气{tag}, 体育{tag}, 烹饪{tag}, 金融{tag}"]),
        ("classify, 20 new English labels", "classify",
         [f"Stocks fell sharply on Monday ({tag}).", ", ".join(f"topic {tag} {n}" for n in range(20))]),
        ("classify, 20 new Chinese labels", "classify",
         [f"周一股市大幅下跌（{tag}）。", ", ".join(f"话题{tag}{n}" for n in range(20))]),
        ("two Chinese blanks", "fill_mask", ["北[MASK][MASK]是中国的首都。", 5]),
        ("explain a new review", "explain_sentiment", [f"A warm and funny film, though the ending drags ({tag})."]),
        *((f"what flips bundled review {n + 1}", "counterfactual_sentiment", [review])
          for n, review in enumerate(reviews)),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--busy", type=int, default=0, help="processes spinning on the cores meanwhile")
    args = parser.parse_args()
    figures: dict = {"busy": args.busy}
    tag = uuid.uuid4().hex[:4]
    with running_app({}, ("--profile", "embedded", "--preload")) as (base_url, _), spinning(args.busy), \
            httpx.Client(timeout=900) as http:
        for what, name, data in requests(tag):
            figures[what] = timed(http, base_url, name, data)
            print(f"{what:34s} {figures[what]}", flush=True)
            time.sleep(1.0)  # a search's slot is counted until its event leaves Gradio's table
    print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    multiprocessing.set_start_method("fork", force=True)
    main()
