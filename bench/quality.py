"""Quality and speed of the embedded profile (Gemma 3 270M), measured on held-out data.

    python -m bench.quality [--sst2 PATH] [--chnsenticorp PATH] [--limit N] [--cold] [--int8-rows N]
                            [--languages en,zh]

Prints a table and one final JSON line. SST-2 dev is read from ../shared/data/sst2_dev.tsv (or
--sst2), ChnSentiCorp dev from ../shared/data/chnsenticorp_dev.tsv (or --chnsenticorp); the
next-sentence pairs and the cloze items, English and Chinese, are this project's own (bench/data/),
as are the classify task's topic and intent sets (examples/scorecard/) and its real-text sets
(bench/data/zero_shot_*.tsv, their test half; `python -m bench.zero_shot` gives every wording and the
dev half).
Nothing here is used to fit the solvers: their prompts and calibration inputs are fixed in code.
The `*_dev.tsv` sets (and sentiment_en_own.tsv) are not measured here: they were written to choose
between methods on, before the held-out figures of a change were read.
"""

from __future__ import annotations

import argparse
import csv
import json
import resource
import statistics
import tempfile
import threading
import time
from pathlib import Path

from transformers import AutoModelForCausalLM

from bench.timing import median_time
from demo.inference import InferenceWorker
from demo.models import ModelRef, ModelRegistry, detect_placement, load_model
from demo.engines import Context, build_zero_shot
from demo.engines.gemma import convert as gemma
from demo.registry import get_task

DATA = Path(__file__).resolve().parent / "data"
DEFAULT_SST2 = Path(__file__).resolve().parents[2] / "shared" / "data" / "sst2_dev.tsv"
DEFAULT_CHNSENTICORP = DEFAULT_SST2.with_name("chnsenticorp_dev.tsv")
TARGETS = {"sentiment_acc": 0.88, "nsp_pairwise_acc": 0.95, "fill_top5": 0.80, "tokens_per_s": 12,
           "warm_load_s": 10, "peak_rss_gb": 3, "zh_sentiment_acc": 0.80, "zh_nsp_pairwise_acc": 0.90,
           "zh_fill_top5": 0.90, "zh_fill_word_top1": 0.80}


def read_tsv(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


def sentiment_accuracy(engine, rows: list[dict], batch: int = 8) -> tuple[float, float]:
    correct = positive = 0
    for start in range(0, len(rows), batch):
        chunk = rows[start : start + batch]
        results = engine.worker.call(engine.classify_many, [r["sentence"] for r in chunk])
        for row, result in zip(chunk, results, strict=True):
            correct += (result.label == "POSITIVE") == (row["label"].strip() == "1")
            positive += result.label == "POSITIVE"
        if (start // batch) % 25 == 24:
            print(f"sentiment: {start + len(chunk)} of {len(rows)} rows, {correct / (start + len(chunk)):.1%} so far",
                  flush=True)
    return correct / len(rows), positive / len(rows)


def nsp_accuracy(engine, rows: list[dict]) -> tuple[float, float]:
    """Pairwise: the true B beats a shuffled B; pointwise: IsNext > 0.5 exactly for true pairs."""
    firsts = [r["first"] for r in rows]
    seconds = [r["second"] for r in rows]
    shuffled = [seconds[(i + len(rows) // 3) % len(rows)] for i in range(len(rows))]
    wins = pointwise = 0
    for a, b, c in zip(firsts, seconds, shuffled, strict=True):
        true_gain, random_gain = engine.worker.call(engine.gains_many, [(a, b), (a, c)])
        wins += true_gain > random_gain  # the same scores the answer's IsNext is calibrated from
        pointwise += (engine.boundary.probability(true_gain) > 0.5) + (engine.boundary.probability(random_gain) < 0.5)
    return wins / len(rows), pointwise / (2 * len(rows))


def cloze_accuracy(engine, rows: list[dict]) -> tuple[float, float]:
    top1 = top5 = 0
    for row in rows:
        answers = {a.lower() for a in row["answer"].split("|")}
        words = [w.lower() for w, _ in engine.fill(row["sentence"], 5, 1).candidates[0]]
        top1 += words[0] in answers
        top5 += bool(answers & set(words))
    return top1 / len(rows), top5 / len(rows)


def classify_figures(engine, language: str) -> dict[str, float]:
    """Accuracy on the classify task's built-in topic and intent sets (written for this app), and
    the median seconds per text with their 4 labels and with 20."""
    from demo.scorecard import built_in, labels_of

    task, figures = get_task("classify"), {}
    for name in task.scorecard_sets:
        items = built_in("classify", language, name)
        labels = ", ".join(labels_of("classify", items))
        hits, seconds = 0, []
        for item in items:
            started = time.perf_counter()
            scores = task.run(engine, lambda note: None, item.inputs[0], labels)[0]
            seconds.append(time.perf_counter() - started)
            hits += next(iter(scores)) == item.gold
        figures[f"classify_{name}_acc"] = hits / len(items)
        figures[f"classify_{name}_s_per_text"] = statistics.median(seconds)
    # the real-text sets (bench/data/zero_shot_*.tsv), their held-out half, mean over the label wordings
    from bench.zero_shot import WORDINGS, engine_accuracy, read_set

    for name in (f"topics_{language}", f"intents_{language}"):
        rows = read_set(name, "test")
        figures[f"classify_{name[:-3]}_real_test_acc"] = sum(
            engine_accuracy(engine, rows, wording) for wording in WORDINGS[name].values()) / len(WORDINGS[name])
    figures["classify_4_labels_s_per_text"] = median_time(
        lambda: task.run(engine, lambda note: None, items[0].inputs[0], "sports, politics, science, business"), 5)
    twenty = ", ".join(f"topic {n}" for n in range(20))
    figures["classify_20_labels_s_per_text"] = median_time(
        lambda: task.run(engine, lambda note: None, items[0].inputs[0], twenty), 3)
    return figures


def filled_accuracy(engine, rows: list[dict]) -> float:
    """Top-1 of whole blanks: the text filled in equals the sentence with one of its answers (a Chinese
    blank of several masks is one word)."""
    task, hits = get_task("fill_mask"), 0
    for row in rows:
        filled = task.run(engine, lambda note: None, row["sentence"], 5)[1]
        hits += any(filled == row["sentence"].replace("[MASK]" * len(answer), answer, 1)
                    for answer in row["answer"].split("|"))
    return hits / len(rows)


def int8_agreement(engine, rows: list[dict], runs: int = 15) -> tuple[float, float]:
    """(label agreement, p50 speed-up) of the sentiment solver on a dynamic-int8 copy of Gemma vs float32.

    The app does not offer int8 for Gemma; this is the measurement behind that choice.
    """
    import copy

    from demo.models import quantize_int8
    from demo.engines.gemma.sentiment import PromptSentiment

    quantized = copy.copy(engine.loaded)
    quantized.model = quantize_int8(copy.deepcopy(engine.loaded.model))
    engines = (engine, engine.worker.call(PromptSentiment, quantized, engine.worker))
    texts = [row["sentence"] for row in rows]
    labels, speeds = [], []
    for candidate in engines:
        labels.append([r.label for start in range(0, len(texts), 8)
                       for r in engine.worker.call(candidate.classify_many, texts[start : start + 8])])
        speeds.append(_p50_classify(candidate, texts[0], runs))
    agreement = sum(a == b for a, b in zip(*labels, strict=True)) / len(texts)
    return agreement, speeds[0] / speeds[1]


def _p50_classify(engine, text: str, runs: int) -> float:
    engine.classify(text)  # warm-up
    return median_time(lambda: engine.classify(text), runs)


def generation_speed(engine, runs: int = 3, new_tokens: int = 64) -> tuple[float, float]:
    """Median tokens/s and time to first text over greedy runs of exactly `new_tokens` tokens."""
    from demo.engines.types import GenerationSettings

    settings = GenerationSettings(max_new_tokens=new_tokens, temperature=0.0, repetition_penalty=1.0)
    speeds, firsts = [], []
    for _ in range(runs):
        prompt = engine.prepare("The history of the printing press begins", new_tokens)
        started = time.perf_counter()
        first = None
        for _piece in engine.stream(prompt, settings, threading.Event()):
            first = first or time.perf_counter()
        speeds.append(new_tokens / (time.perf_counter() - started))
        firsts.append(first - started)
    return statistics.median(speeds), statistics.median(firsts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sst2", type=Path, default=DEFAULT_SST2)
    parser.add_argument("--limit", type=int, default=0, help="use only the first N SST-2 rows (quick look)")
    parser.add_argument("--cold", action="store_true", help="also time the one-time GGUF conversion")
    parser.add_argument("--int8-rows", type=int, default=300, help="SST-2 rows for the int8 comparison (0: skip)")
    parser.add_argument("--chnsenticorp", type=Path, default=DEFAULT_CHNSENTICORP)
    parser.add_argument("--languages", default="en,zh", help="which languages' figures to measure (en, zh or both)")
    args = parser.parse_args()
    languages = set(args.languages.split(","))
    figures: dict[str, float] = {}
    placement = detect_placement()

    if args.cold:
        with tempfile.TemporaryDirectory() as scratch:
            started = time.perf_counter()
            gemma.ensure_converted(lambda f, m: None, Path(scratch) / gemma.FOLDER_NAME)
            figures["cold_convert_s"] = time.perf_counter() - started
    folder = gemma.ensure_converted(lambda f, m: print(m))
    started = time.perf_counter()
    load_model(ModelRef(str(folder)), AutoModelForCausalLM, placement)
    figures["warm_load_s"] = time.perf_counter() - started

    registry, worker = ModelRegistry(), InferenceWorker()
    if "zh" in languages:
        figures |= chinese_figures(registry, placement, worker, args.chnsenticorp, args.limit)
    if "en" not in languages:
        return _report(figures)
    context = Context(registry, placement, worker)
    engines = {task: build_zero_shot(get_task(task), context, lambda f, m: None)
               for task in ("sentiment", "fill_mask", "next_sentence", "generate", "classify")}

    figures |= task_figures(engines, args.sst2, DATA / "nsp_pairs.tsv", DATA / "cloze.tsv", "", args.limit)
    figures |= classify_figures(engines["classify"], "en")
    figures["tokens_per_s"], figures["first_text_s"] = generation_speed(engines["generate"])
    figures["peak_rss_gb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
    if args.sst2.exists() and args.int8_rows:  # last: it holds a second copy of Gemma
        rows = read_tsv(args.sst2)[: args.int8_rows]
        figures["int8_label_agreement"], figures["int8_speedup"] = int8_agreement(engines["sentiment"], rows)
        figures["int8_rows"] = len(rows)
    _report(figures)


def chinese_figures(registry, placement, worker, chnsenticorp: Path, limit: int = 0) -> dict[str, float]:
    """The Chinese figures: ChnSentiCorp dev accuracy, pairwise next sentence, cloze top-5, word blanks
    filled whole (on their own, and words that start before the blank), topic and intent sorting."""
    context = Context(registry, placement, worker)
    engines = {task: build_zero_shot(get_task(task), context, lambda f, m: None, "zh")
               for task in ("sentiment", "fill_mask", "next_sentence", "classify")}
    figures = task_figures(engines, chnsenticorp, DATA / "nsp_pairs_zh.tsv", DATA / "cloze_zh.tsv", "zh_", limit)
    figures["zh_fill_word_top1"] = filled_accuracy(engines["fill_mask"], read_tsv(DATA / "cloze_zh_two.tsv"))
    figures["zh_fill_started_top1"] = filled_accuracy(engines["fill_mask"], read_tsv(DATA / "cloze_zh_started.tsv"))
    figures |= {f"zh_{name}": value for name, value in classify_figures(engines["classify"], "zh").items()}
    return figures


def task_figures(engines: dict, sentiment_tsv: Path, nsp_tsv: Path, cloze_tsv: Path, prefix: str,
                 limit: int = 0) -> dict[str, float]:
    """Sentiment accuracy on a labelled TSV (skipped when it is absent), next sentence on pairs,
    fill mask on cloze items; each figure's name starts with `prefix`."""
    figures: dict[str, float] = {}
    if sentiment_tsv.exists():
        rows = read_tsv(sentiment_tsv)[: limit or None]
        started = time.perf_counter()
        figures["sentiment_acc"], figures["sentiment_positive_rate"] = sentiment_accuracy(engines["sentiment"], rows)
        figures["sentiment_rows"] = len(rows)
        figures["sentiment_ms_per_row"] = (time.perf_counter() - started) * 1000 / len(rows)
    else:
        print(f"{sentiment_tsv} not found: sentiment accuracy skipped")
    pairs = read_tsv(nsp_tsv)
    figures["nsp_pairwise_acc"], figures["nsp_pointwise_acc"] = nsp_accuracy(engines["next_sentence"], pairs)
    figures["nsp_pairs"] = len(pairs)
    cloze = read_tsv(cloze_tsv)
    figures["fill_top1"], figures["fill_top5"] = cloze_accuracy(engines["fill_mask"], cloze)
    figures["fill_items"] = len(cloze)
    return {prefix + name: value for name, value in figures.items()}


def _report(figures: dict[str, float]) -> None:
    print(f"\n{'figure':28s} {'value':>10s} {'target':>10s}")
    for name, value in figures.items():
        target = TARGETS.get(name)
        shown = f"{value:.3f}" if isinstance(value, float) else str(value)
        print(f"{name:28s} {shown:>10s} {'' if target is None else target:>10}")
    print(json.dumps({k: round(v, 4) if isinstance(v, float) else v for k, v in figures.items()}))


if __name__ == "__main__":
    main()
