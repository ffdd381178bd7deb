"""The scorecard's results, in the page's language: the view with its margin of error, the
confusion grids, the plot and the tables, from a tally."""

from __future__ import annotations

import math
from html import escape

import gradio as gr

from demo.i18n import localize, say
from demo.report import diagram, side_reliability
from demo.scorecard import agreement, confusion_rows, labels_of, summary_rows, wrong_rows

MEASURED = "Accuracy is measured against the set's labels; {margin}"
CORNER = "true \\ answered"  # a confusion grid's corner: rows are the true labels, columns the answers


def margin_line(tally) -> str:
    """How far each side's accuracy could be from the truth at this many items: the half-width of its
    95% Wilson interval, in points (it stays honest at 5 of 5 right, where the plain one says ±0)."""
    n, z = tally.done, 1.96
    if not n:
        return say("no item is scored yet.")
    half_width = lambda p: 100 * z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)  # noqa: E731
    parts = [say("{side} ±{points} points", side=localize(name), points=f"{half_width(s.accuracy):.0f}")
             for name, s in tally.sides.items()]
    return say("with {count} items, how far each accuracy may be from the truth (95%): {margins}.",
               count=f"{n:,}", margins=", ".join(parts))


def missing_sides(sides) -> tuple[tuple[str, str], ...]:
    """(name, why) of each side that takes no part (offline, the classic checkpoint cannot be downloaded)."""
    return tuple((side.name, side.missing or "not available here") for side in (sides.classic, sides.zero_shot)
                 if side.engine is None)


def missing_line(gone) -> str:
    """Why each side in `gone` takes no part, in the page's language, or ""."""
    return " ".join(say("{side} is not scored: {why}.", side=escape(localize(name)), why=escape(say(why)))
                    for name, why in gone)


def confusion_grid(tally, labels: list[str]) -> str:
    """Each side's confusion matrix as a shaded grid (true label per row, answer per column), with
    each label's accuracy at the end of its row."""
    grids = []
    for name, side in tally.sides.items():
        head = "".join(f'<th scope="col">{escape(label)}</th>' for label in labels)
        rows = []
        for gold in labels:
            counts = [side.confusion[(gold, answer)] for answer in labels]
            total = sum(counts)
            cells = "".join(f'<td class="{"hit" if answer == gold else "miss"}" style="--share:'
                            f'{count / max(1, total):.2f}">{count}</td>' for answer, count in zip(labels, counts))
            right = f"{side.confusion[(gold, gold)] / total:.0%}" if total else "–"
            rows.append(f'<tr><th scope="row">{escape(gold)}</th>{cells}<td class="recall">{right}</td></tr>')
        corner, right = escape(say(CORNER)), escape(say("right"))
        grids.append(f'<div class="confusion"><div class="blank-head">{escape(localize(name))}</div><table><thead><tr>'
                     f'<th>{corner}</th>{head}<th>{right}</th></tr></thead>'
                     f'<tbody>{"".join(rows)}</tbody></table></div>')
    return f'<div class="confusions">{"".join(grids)}</div>'


def reliability_panel(tally) -> str:
    """Each side's reliability diagram and calibration error so far: is its confidence honest?"""
    if not tally.done:
        return ""
    panels = []
    for name in tally.sides:
        bins, ece = side_reliability(tally, name)
        panels.append(f'<div class="confusion"><div class="blank-head">{escape(localize(name))}</div>'
                      f'{diagram(bins, localize(name), width=190)}<p class="legend">'
                      f'{escape(say("Expected calibration error: {ece} points", ece=f"{100 * ece:.1f}"))}</p></div>')
    return (f'<div class="blank-head">{escape(say("Is the confidence honest?"))}</div><p class="legend">'
            f'{escape(say(HONEST))}</p><div class="confusions reliability-panel">{"".join(panels)}</div>')


HONEST = ("Bars under the dashed line: answers more confident than right (red: the gap). The count under each bar: "
          "how many answers had that confidence.")

MIN_AXIS_ITEMS = 20
SUMMARY_COLUMNS = ("side", "items", "accuracy %", "median latency ms", "items/s")
WRONG_COLUMNS = ("side", "row", "input", "true label", "answer", "confidence")


def said_sides(rows: list[list]) -> list[list]:
    """Rows whose first cell is a side's name, with the name in the page's language."""
    return [[localize(row[0]), *row[1:]] for row in rows]


def tally_outputs(tally, total: int, key: str, stopped: bool = False, final: bool = False, missing: str = ""):
    """(view, plot, per-side table, confusion, wrong items) for a tally, in the page's language; the
    view says how far it is and, when one side takes no part, why."""
    import pandas as pd

    done = tally.done
    labels = labels_of(key, tally.items)
    share = agreement(tally)
    state = say(("Stopped" if stopped else "Done") if final else "Scoring")
    agree = say("; the two sides agree on {share} of them", share=f"{share:.0%}") if share is not None else ""
    count = say("{done} of {total} items", done=f"{done:,}", total=f"{total:,}")
    measured = say(MEASURED, margin=margin_line(tally))
    head = say("<b>{state}</b>: {count}{agree}.", state=state, count=count, agree=agree)
    view = (f'<div class="answer"><p class="perplexity">{head}</p>'
            f'<div class="bar"><span class="bar-name">{say("progress")}</span><span class="bar-track"><span '
            f'class="bar-fill" style="width:{100 * done / max(1, total):.1f}%"></span></span><span class="bar-value">'
            f'{done / max(1, total):.0%}</span></div><p class="meaning">{measured}</p>'
            + (f'<p class="meaning"><b>{missing}</b></p>' if missing else "") + '</div>'
            + confusion_grid(tally, labels) + reliability_panel(tally))
    # the plot's legend keeps the names of its first drawing, so each side is named by its model there,
    # the same in every language
    curve = pd.DataFrame([(x, y, getattr(name, "fields", {}).get("model", name)) for x, y, name in tally.curve],
                         columns=["item", "accuracy", "side"])
    # the axis runs to the run's length, at least 20 items: Vega's ticks on a shorter span fall at halves
    plot = gr.LinePlot(curve, x_title=say("items scored"), y_title=say("accuracy %"), color_title=say("side"),
                       x_lim=[1, max(total, MIN_AXIS_ITEMS)])
    confusion = pd.DataFrame(said_sides(confusion_rows(tally, labels)),
                             columns=[say("side"), say("true label"),
                                      *(say("answered {label}", label=label) for label in labels)])
    summary = pd.DataFrame(said_sides(summary_rows(tally)), columns=[say(name) for name in SUMMARY_COLUMNS])
    wrong = pd.DataFrame(said_sides(wrong_rows(tally)), columns=[say(name) for name in WRONG_COLUMNS])
    return (view, plot, summary, confusion, wrong)
