"""A scorecard run as one HTML file a stakeholder can open anywhere: styles and plots inside it (no
request to anything outside the file, so it opens offline and prints to PDF), in the page's language.

It says what was scored, when, where and by which models; each side's accuracy with its 95% Wilson
interval, per label and as a confusion grid; a reliability diagram per side (is the confidence
honest?) with its expected calibration error; how often the sides agree and where they differ; the
items each side got wrong; latency; and the code that reproduces one answer.
"""

from __future__ import annotations

import math
import os
import platform
import statistics
from dataclasses import dataclass
from datetime import datetime, timezone
from html import escape

from demo.i18n import localize, say

BINS = 10  # confidence bins of the reliability diagram: [0, 0.1), ..., [0.9, 1.0]
Z95 = 1.96


def wilson(correct: int, n: int) -> tuple[float, float]:
    """The 95% Wilson interval of a proportion: honest at 0 of n and n of n, where the plain one says ±0."""
    if n == 0:
        return 0.0, 1.0
    p, z2 = correct / n, Z95 * Z95
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = Z95 * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    return max(0.0, centre - half), min(1.0, centre + half)


@dataclass(frozen=True)
class Bin:
    low: float
    count: int
    confidence: float  # mean confidence of its items
    accuracy: float


def reliability(confidences: list[float], right: list[bool]) -> tuple[list[Bin], float]:
    """Items binned by the confidence of their answer; each bin's mean confidence and accuracy, and the
    expected calibration error (the bins' gaps weighted by their counts)."""
    bins = []
    for index in range(BINS):
        low, high = index / BINS, (index + 1) / BINS
        inside = [(c, r) for c, r in zip(confidences, right, strict=True)
                  if low <= c < high or (index == BINS - 1 and c == 1.0)]
        if inside:
            bins.append(Bin(low, len(inside), statistics.fmean(c for c, _ in inside),
                            sum(r for _, r in inside) / len(inside)))
    total = sum(b.count for b in bins)
    ece = sum(b.count * abs(b.accuracy - b.confidence) for b in bins) / total if total else 0.0
    return bins, ece


def side_reliability(tally, name) -> tuple[list[Bin], float]:
    """One side's reliability bins and calibration error over the items it has answered so far."""
    side = tally.sides[name]
    right = [p == item.gold for p, item in zip(side.predictions, tally.items, strict=False)]
    return reliability(tally.confidences[name][: len(right)], right)


def diagram(bins: list[Bin], title: str, width: int = 280) -> str:
    """The reliability diagram as inline SVG: each bin's accuracy as a bar, its confidence as the
    diagonal's height there; bars under the diagonal mean over-confidence."""
    size, pad = 220, 36
    scale = lambda v: pad + v * size  # noqa: E731
    bars = []
    for b in bins:
        x, bar_width = scale(b.low), size / BINS - 2
        top = pad + size - b.accuracy * size
        gap_top = pad + size - b.confidence * size
        bars.append(f'<rect x="{x:.1f}" y="{min(top, gap_top):.1f}" width="{bar_width:.1f}" '
                    f'height="{abs(top - gap_top):.1f}" fill="#e8806a" fill-opacity="0.55"/>'
                    f'<rect x="{x:.1f}" y="{top:.1f}" width="{bar_width:.1f}" height="{pad + size - top:.1f}" fill="#3b6fd8">'
                    f'<title>{b.count} · {b.confidence:.0%} → {b.accuracy:.0%}</title></rect>'
                    f'<text {TEXT} text-anchor="middle" x="{x + bar_width / 2:.1f}" y="{pad + size + 12}">{b.count}</text>')
    ticks = "".join(f'<text {TEXT} text-anchor="middle" x="{scale(t):.1f}" y="{pad + size + 26}">{t:.1f}</text>'
                    f'<text {TEXT} text-anchor="end" x="{pad - 4}" y="{pad + size - t * size + 4:.1f}">{t:.1f}</text>'
                    for t in (0, 0.5, 1))
    # colours that read on a light and a dark page alike; the text takes the page's own colour
    return (f'<svg class="reliability" viewBox="0 0 {size + 2 * pad} {size + 2 * pad + 14}" role="img" '
            f'aria-label="{escape(title)}" style="width:{width}px;max-width:100%">'
            f'<rect x="{pad}" y="{pad}" width="{size}" height="{size}" fill="none" stroke="#9aa5b1"/>{"".join(bars)}'
            f'<line x1="{pad}" y1="{pad + size}" x2="{pad + size}" y2="{pad}" stroke="currentColor" '
            f'stroke-dasharray="4 3"/>{ticks}'
            f'<text {TEXT} text-anchor="middle" x="{pad + size / 2}" y="{size + 2 * pad + 12}">{escape(say("confidence"))}</text>'
            f'<text {TEXT} text-anchor="middle" transform="rotate(-90)" x="{-(pad + size / 2)}" y="10">{escape(say("accuracy"))}</text>'
            f'</svg>')


TEXT = 'font-size="10" fill="currentColor"'  # every label's look; its anchor is its own


CSS = """
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", "Noto Sans", "PingFang SC", "Microsoft YaHei", sans-serif;
       color: #1f2933; background: #fff; max-width: 980px; margin: 24px auto; padding: 0 16px; }
h1 { font-size: 1.6em; margin-bottom: 0; } h2 { font-size: 1.2em; margin-top: 1.8em; border-bottom: 1px solid #d5dae1; }
.sub { color: #4a5560; margin-top: 4px; } table { border-collapse: collapse; margin: 8px 0; }
th, td { border: 1px solid #d5dae1; padding: 4px 8px; text-align: left; vertical-align: top; }
td.num { text-align: right; font-variant-numeric: tabular-nums; } .sides { display: flex; flex-wrap: wrap; gap: 24px; }
.side { flex: 1 1 280px; } pre { background: #f4f6f8; padding: 12px; overflow-x: auto; font-size: 13px; }
.note { color: #4a5560; font-size: 0.92em; }
@media print { body { margin: 0; } h2 { break-after: avoid; } .side, table { break-inside: avoid; } }
"""


def _table(headers: list[str], rows: list[list]) -> str:
    head = "".join(f"<th>{escape(str(h))}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f'<td class="num">{escape(str(c))}</td>' if isinstance(c, int | float)
                                    else f"<td>{escape(str(c))}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def build_report(tally, *, task: str, set_name: str, labels: list[str], models: dict[str, str], total: int,
                 stopped: bool, code: str | None, locale: str) -> str:
    """The whole report, one HTML document, in `locale`."""
    from demo.i18n import UI_LANGUAGE

    token = UI_LANGUAGE.set(locale)
    try:
        return _report(tally, task, set_name, labels, models, total, stopped, code, locale)
    finally:
        UI_LANGUAGE.reset(token)


SHOWN_ROWS = 200  # rows of a list in the report; the rest are counted, and all are in the scored CSV


def _h(level: int, text: str) -> str:
    return f"<h{level}>{escape(text)}</h{level}>"


def _p(text: str, css: str = "note") -> str:
    return f'<p class="{css}">{escape(text)}</p>'


def _listed(headers: list[str], rows: list[list]) -> str:
    """A table of at most `SHOWN_ROWS` rows, saying how many more there are."""
    more = _p(say("… and {count} more in the scored CSV.", count=f"{len(rows) - SHOWN_ROWS:,}")) \
        if len(rows) > SHOWN_ROWS else ""
    return _table(headers, rows[:SHOWN_ROWS]) + more


def _accuracy_rows(tally, shown: dict) -> list[list]:
    rows = []
    for name, side in tally.sides.items():
        n, latencies = len(side.predictions), sorted(side.latencies)
        low, high = wilson(side.correct, n)
        p95 = latencies[min(len(latencies) - 1, int(0.95 * len(latencies)))] if latencies else 0.0
        median = f"{1000 * statistics.median(latencies):.0f} ms" if latencies else "–"
        rows.append([shown[name], n, f"{side.accuracy:.1%}", f"{low:.1%} – {high:.1%}", median, f"{1000 * p95:.0f} ms",
                     round(n / max(sum(latencies), 1e-9), 2)])
    return rows


def _per_label(tally, shown: dict, labels: list[str]) -> list[str]:
    parts = []
    for name, side in tally.sides.items():
        grid = [[gold, *(side.confusion[(gold, answer)] for answer in labels),
                 f"{side.confusion[(gold, gold)] / max(1, sum(side.confusion[(gold, a)] for a in labels)):.0%}"]
                for gold in labels]
        parts.append(_h(3, shown[name]) + _table([say("true \\ answered"), *labels, say("right")], grid))
    return parts


def _calibration(tally, shown: dict) -> list[str]:
    parts = [_h(2, say("Is the confidence honest?")), _p(say(HOW_TO_READ)), '<div class="sides">']
    for name in tally.sides:
        bins, ece = side_reliability(tally, name)
        ece_line = say("Expected calibration error: {ece} points", ece=f"{100 * ece:.1f}")
        parts.append(f'<div class="side">{_h(3, shown[name])}{diagram(bins, shown[name])}{_p(ece_line, "")}</div>')
    return [*parts, "</div>"]


def _differences(tally, shown: dict) -> list[str]:
    names = list(tally.sides)
    if len(names) != 2:
        return []
    first, second = (tally.sides[n].predictions for n in names)
    differ = [(item, a, b) for item, a, b in zip(tally.items, first, second, strict=False) if a != b]
    share = f"{1 - len(differ) / max(1, tally.done):.0%}"
    return [_h(2, say("Where the sides differ")), _p(say("They agree on {share} of the items.", share=share), ""),
            _listed([say("row"), say("input"), say("label"), shown[names[0]], shown[names[1]]],
                    [[item.row, " / ".join(item.inputs)[:300], item.gold, a, b] for item, a, b in differ])
            if differ else ""]


def _report(tally, task, set_name, labels, models, total, stopped, code, locale) -> str:
    import torch

    shown = {name: localize(name) for name in tally.sides}
    when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    machine = (f"{platform.machine()}, {os.cpu_count()} CPU cores, Python {platform.python_version()}, "
               f"torch {torch.__version__}")
    scored = say("{set} · {done} of {total} items{stopped} · {labels}", set=set_name, done=tally.done, total=total,
                 stopped=say(" (stopped part-way)") if stopped else "", labels=", ".join(labels))
    wrong = [[shown[name], item.row, " / ".join(item.inputs)[:300], item.gold, predicted, f"{confidence:.0%}"]
             for name, side in tally.sides.items()
             for item, predicted, confidence in zip(tally.items, side.predictions, tally.confidences[name], strict=False)
             if predicted != item.gold]
    parts = [_h(1, say("Scorecard: {task}", task=localize(task))), _p(scored, "sub"),
             _p(say("Made {when} on {machine}.", when=when, machine=machine)),
             _h(2, say("Who answered")),
             _table([say("side"), say("model, revision and method")], [[shown[n], models.get(n, "")] for n in shown]),
             _h(2, say("Accuracy")),
             _table([say("side"), say("items"), say("accuracy"), say("95% interval"), say("median latency"),
                     say("p95 latency"), say("items per second")], _accuracy_rows(tally, shown)),
             _p(say(INTERVALS)), _h(2, say("Per label")), *_per_label(tally, shown, labels),
             *_calibration(tally, shown), *_differences(tally, shown),
             _h(2, say("Items each side got wrong")),
             _listed([say("side"), say("row"), say("input"), say("label"), say("answered"), say("confidence")], wrong)
             if wrong else _p(say("None: every item was answered right."))]
    if code:
        parts += [_h(2, say("Reproduce one answer")), _p(say(CODE)), f"<pre><code>{escape(code)}</code></pre>"]
    lang = "zh-CN" if locale.startswith("zh") else "en"
    return (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{escape(say('Scorecard: {task}', task=localize(task)))}</title><style>{CSS}</style></head>"
            f"<body>{''.join(parts)}</body></html>")


INTERVALS = ("The interval narrows as items are added: with few items, two sides whose intervals overlap may not "
             "really differ.")
HOW_TO_READ = ("Each bar: the items answered with that confidence, and how many of them were right. On the dashed line "
               "the confidence is honest; a red gap above a bar is over-confidence. Expected calibration error: the "
               "gaps, weighted by their items.")
CODE = "The classic checkpoint on the first item, with transformers alone:"
