"""Zero-shot classification on text nobody wrote for the app's method: four-topic news leads and
eight assistant requests, 200 of each per language (`bench/data/zero_shot_*.tsv`), each scored
with several label wordings a user might type (short, as typed, long, in the other language).

Each file is split in two halves per label: `dev` (methods are chosen on it) and `test` (looked at
once a method is chosen). `python -m bench.zero_shot [--split dev|test]` prints the accuracy of the
app's classify engine per set, wording and split.
"""

from __future__ import annotations

import argparse
import csv
import json
import time
from pathlib import Path

import torch

from demo.engines.types import DEFAULT_TEMPLATES
from demo.profiles import plan
from demo.runtime import Runtime

DATA = Path(__file__).resolve().parent / "data"
BATCH = 16  # texts per call of the engine's batched classify

WORDINGS = {
    "topics_en": {
        "as typed": {"world": "World", "sports": "Sports", "business": "Business", "scitech": "Science and technology"},
        "short": {"world": "World", "sports": "Sports", "business": "Business", "scitech": "Tech"},
        "long": {"world": "international news and politics", "sports": "sports", "business": "business and the economy",
                 "scitech": "science and technology"},
        "other language": {"world": "国际", "sports": "体育", "business": "财经", "scitech": "科技"},
    },
    "topics_zh": {
        "as typed": {"world": "国际", "sports": "体育", "business": "财经", "scitech": "科技"},
        "short": {"world": "世界", "sports": "体育", "business": "经济", "scitech": "科技"},
        "long": {"world": "国际新闻", "sports": "体育赛事", "business": "财经商业", "scitech": "科学技术"},
        "other language": {"world": "World", "sports": "Sports", "business": "Business",
                           "scitech": "Science and technology"},
    },
    "intents_en": {
        "short": {"flight": "flight", "alarm": "alarm", "music": "music", "weather": "weather",
                  "restaurant": "restaurant", "balance": "balance", "cancel_order": "cancel order",
                  "transfer": "transfer"},
        "long": {"flight": "book a flight", "alarm": "set an alarm", "music": "play music",
                 "weather": "ask about the weather", "restaurant": "reserve a table at a restaurant",
                 "balance": "check account balance", "cancel_order": "cancel an order", "transfer": "send money"},
        "other language": {"flight": "订机票", "alarm": "设闹钟", "music": "放音乐", "weather": "查天气",
                           "restaurant": "订餐厅", "balance": "查余额", "cancel_order": "取消订单", "transfer": "转账"},
    },
    "intents_zh": {
        "short": {"flight": "机票", "alarm": "闹钟", "music": "音乐", "weather": "天气", "restaurant": "餐厅",
                  "balance": "余额", "cancel_order": "取消订单", "transfer": "转账"},
        "long": {"flight": "订机票", "alarm": "设闹钟", "music": "播放音乐", "weather": "查询天气",
                 "restaurant": "预订餐厅", "balance": "查询余额", "cancel_order": "取消订单", "transfer": "给别人转账"},
        "other language": {"flight": "book a flight", "alarm": "set an alarm", "music": "play music",
                           "weather": "ask about the weather", "restaurant": "reserve a table at a restaurant",
                           "balance": "check account balance", "cancel_order": "cancel an order",
                           "transfer": "send money"},
    },
}

BASELINE = {"en": ("Article: {}", "\nThis article is about {}"), "zh": ("新闻标题：{}", "\n这条新闻的类别是{}")}


def read_set(name: str, split: str) -> list[dict]:
    """The rows of one set's split: text, label (the set's own key), split."""
    with (DATA / f"zero_shot_{name}.tsv").open(encoding="utf-8") as handle:
        return [row for row in csv.DictReader(handle, delimiter="\t") if split in ("all", row["split"])]


def engine_accuracy(engine, rows: list[dict], wording: dict[str, str]) -> float:
    """The app's method, default template, every text in batches: the share answered right."""
    keys, labels = list(wording), list(wording.values())
    right = 0
    for start in range(0, len(rows), BATCH):
        chunk = rows[start:start + BATCH]
        answers = engine.worker.call(engine.classify_many, [row["text"] for row in chunk], labels, False,
                                     DEFAULT_TEMPLATES["en"])
        right += sum(keys[labels.index(max(a.scores, key=a.scores.get))] == row["label"]
                     for a, row in zip(answers, chunk, strict=True))
    return right / len(rows)


def baseline_accuracy(engine, rows: list[dict], wording: dict[str, str], language: str) -> float:
    """A plain calibrated label likelihood: the mean per-token log-probability of the label after
    "Article: <text>\\nThis article is about", minus its value after "N/A"."""
    from demo.engines.gemma.scoring import encode, shared_prefix_logprobs

    loaded, (framing, template) = engine.loaded, BASELINE[language]
    keys, labels = list(wording), list(wording.values())
    rows_ids = [encode(loaded, template.format(label)) for label in labels]
    lead = 0  # the tokens every row starts with: the template before the label
    while all(len(row) > lead + 1 for row in rows_ids) and len({row[lead] for row in rows_ids}) == 1:
        lead += 1

    def scored(text: str) -> torch.Tensor:
        prefix = encode(loaded, framing.format(text), bos=True)
        out = shared_prefix_logprobs(loaded, prefix, rows_ids)
        return torch.tensor([sum(row[lead:]) / len(row[lead:]) for row in out])

    prior = engine.worker.call(scored, "N/A")
    right = sum(keys[int((engine.worker.call(scored, row["text"]) - prior).argmax())] == row["label"] for row in rows)
    return right / len(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="dev", choices=["dev", "test", "all"])
    parser.add_argument("--sets", default=",".join(WORDINGS))
    parser.add_argument("--baseline", action="store_true", help="also the plain baseline, in the same run")
    args = parser.parse_args()
    runtime = Runtime(plan("embedded"))
    figures = {}
    print(f"{'set':<11} {'wording':<15} {'items':>5} {'app':>6}" + (f" {'baseline':>9}" if args.baseline else ""))
    for name in args.sets.split(","):
        language = name[-2:]
        engine, rows = runtime.engine("classify", language=language), read_set(name, args.split)
        for wording_name, wording in WORDINGS[name].items():
            started = time.perf_counter()
            app = engine_accuracy(engine, rows, wording)
            seconds = (time.perf_counter() - started) / len(rows)
            line = f"{name:<11} {wording_name:<15} {len(rows):>5} {100 * app:>5.1f}%"
            figures[f"{name}/{wording_name}"] = {"app": app, "s_per_text": seconds}
            if args.baseline:
                base = baseline_accuracy(engine, rows, wording, language)
                figures[f"{name}/{wording_name}"]["baseline"] = base
                line += f" {100 * base:>8.1f}%"
            print(line + f"   ({seconds:.2f} s a text, batched)", flush=True)
        means = [figures[f"{name}/{w}"]["app"] for w in WORDINGS[name]]
        print(f"{name:<11} {'mean':<15} {len(rows):>5} {100 * sum(means) / len(means):>5.1f}%", flush=True)
    print(json.dumps({"split": args.split, "figures": figures}))


if __name__ == "__main__":
    main()
