"""The texts a method is built from (few-shot lines, calibration texts, prompts' examples) stay apart
from the texts it is judged on (bundled examples, scorecard sets, evaluation sets): a calibration
sentence that nearly copied a bundled example made "the examples are answered right" say little."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

from demo.engines.gemma import channel, classify, next_sentence, proposers, sentiment

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / "shared" / "data"  # the evaluation sets beside the project, where present
UNIT = re.compile(r"[a-z0-9]+(?:'[a-z]+)?|[\u3400-\u9fff]")  # a Latin word, or one Chinese character
GAP = 0.5  # what a word or character in one text and not the other costs an aligned stretch
# an unbroken run shared counts from this many units: Chinese phrases of four characters (在窗台上, 很好适合)
# are everyday words, not copied text
MIN_RUN = {"words": 4, "characters": 6}


def units(text: str) -> list[str]:
    return UNIT.findall(text.lower())


def word_pairs(text: str) -> set[tuple[str, str]]:
    """Each two units side by side: a near copy shares two of them at least (a quick filter)."""
    found = units(text)
    return set(zip(found, found[1:]))


def alignment(written: list[str], judged: list[str]) -> tuple[float, int]:
    """The best stretch of `judged` aligned with `written` (a match +1, a word in one and not the other
    -GAP), and the longest run of units the two share in the same order with nothing between."""
    best, run = 0.0, 0
    score, same = [0.0] * (len(judged) + 1), [0] * (len(judged) + 1)
    for unit in written:
        new_score, new_same = [0.0], [0]
        for j, other in enumerate(judged):
            new_score.append(max(0.0, score[j] + (1 if unit == other else -GAP), score[j + 1] - GAP,
                                 new_score[j] - GAP))
            new_same.append(same[j] + 1 if unit == other else 0)
        best, run = max(best, max(new_score)), max(run, max(new_same))
        score, same = new_score, new_same
    return best, run


def near_copy(written: str, judged: str) -> bool:
    """Whether `judged` holds most of `written`, word for word in the same order (half its units aligned),
    or an unbroken run of it (`MIN_RUN` units and 40% of it)."""
    mine = units(written)
    if len(mine) < 4:
        return False
    score, run = alignment(mine, units(judged))
    kind = "characters" if sum(len(unit) == 1 and unit >= "\u3400" for unit in mine) > len(mine) / 2 else "words"
    return score >= max(4, len(mine) / 2) or run >= max(MIN_RUN[kind], 0.4 * len(mine))


def written_texts() -> list[tuple[str, str]]:
    """(where, text) of every text the embedded methods are built from."""
    texts = [("sentiment few-shot", review) for prompt in sentiment.PROMPTS.values() for review, _ in prompt.shots]
    texts += [("sentiment channel calibration", review) for review, _ in channel.CHANNEL_CALIBRATION]
    texts += [("classify background", text) for language in classify.BACKGROUND.values() for text in language]
    texts += [("next-sentence calibration", sentence)
              for pairs in (next_sentence.CALIBRATION_PAIRS, next_sentence.CALIBRATION_PAIRS_ZH)
              for pair in pairs for sentence in pair]
    texts += [("next-sentence unrelated", text) for text in next_sentence.UNRELATED + next_sentence.UNRELATED_ZH]
    texts += [("fill-mask proposals few-shot", sentence)
              for shots in (proposers.SHOTS, proposers.SHOTS_ZH, proposers.SHOTS_ZH_WORDS) for sentence, _ in shots]
    return texts


def judged_texts() -> list[tuple[str, str]]:
    """(file, text) of every bundled example and evaluation item: the examples, the scorecard sets, the
    benchmark sets, and the shared evaluation sets where they are present."""
    texts = [(path.name, value) for path in sorted((ROOT / "examples").glob("*.json"))
             for row in json.loads(path.read_text(encoding="utf-8")) for value in row if isinstance(value, str)]
    tables = [*sorted((ROOT / "examples" / "scorecard").glob("*.csv")), *sorted((ROOT / "bench" / "data").glob("*.tsv")),
              *sorted(SHARED_DATA.glob("*.tsv"))]
    for path in tables:
        with path.open(encoding="utf-8", newline="") as handle:
            rows = csv.reader(handle, delimiter="\t" if path.suffix == ".tsv" else ",")
            texts += [(path.name, value) for row in rows for value in row if len(units(value)) >= 4]
    return texts


def test_a_near_copy_is_found_and_a_shared_phrase_is_not():
    # the calibration sentence and the few-shot line this check was written after
    assert near_copy("等了一个小时才上菜，而且是凉的。", "等了一个多小时才上菜，味道也很一般，不会再来了。")
    assert near_copy("the jokes fall flat and the plot makes no sense",
                     "The plot is predictable and the jokes fall flat; two hours I will never get back.")
    assert near_copy("Prices at the market went up again this week.", "Prices at the market went up again.")
    assert not near_copy("一只猫在窗台上睡觉。", "她把花瓶放在窗台上。")  # a phrase of every day
    assert not near_copy("The kettle started to whistle.", "The kettle is on the stove.")


def test_no_text_a_method_is_built_from_nearly_copies_an_example_or_an_evaluation_item():
    judged = [(name, text, word_pairs(text)) for name, text in judged_texts()]
    assert len(judged) > 1_000  # the bundled sets at least
    copies = []
    for where, text in written_texts():
        pairs = word_pairs(text)
        copies += [f"{where}: {text!r} ~ {name}: {other[:80]!r}" for name, other, theirs in judged
                   if len(pairs & theirs) >= 2 and near_copy(text, other)]  # two shared word pairs at least
    assert copies == []
