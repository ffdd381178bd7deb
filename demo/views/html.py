"""The page's reading of an answer: small HTML pieces every task's view is built from.

The API returns raw scores; the page says what they mean: ">99%" rather than "100%", an "unsure"
state when two classes are close, the sentence with its blanks filled in, a continuation that
looks different from its prompt. Every text that came from a user or a model is escaped here.
"""

from __future__ import annotations

from html import escape

from demo.engines.bert import MASK_SPELLINGS, normalize_masks
from demo.i18n import say

UNSURE_MARGIN = 0.15  # two classes closer than 15 points: the page says "unsure"
HIDE_BELOW = 0.01  # candidates under 1% are folded away unless asked for
TABLE_HEADERS = ["mask", "rank", "word", "probability"]  # a fill-mask answer's table


def percent(probability: float) -> str:
    """A probability as a percentage that never claims certainty: '>99%', '<1%', '57%'."""
    if probability > 0.99:
        return ">99%"
    if probability < 0.01:
        return "<1%"
    return f"{probability:.0%}"


def shown_token(token: str) -> str:
    """A token as a reader sees it: a space before it as "␣", a line break as "↵", none left invisible."""
    shown = token.replace("\n", "↵").replace("\t", "⇥")
    stripped = shown.lstrip(" ")
    return "␣" * (len(shown) - len(stripped)) + stripped if stripped else "␣" * len(shown)


def bar(name: str, probability: float, *, strong: bool = False, api_label: str = "") -> str:
    """One labelled bar: the name, its share of the width, its percentage. The API's label for it
    ("正面" is the API's POSITIVE) is a hover away, not printed beside it ("Negative NEGATIVE" said one
    word twice, "正面 POSITIVE" read as an untranslated word on the Chinese page)."""
    width = max(0.0, min(1.0, probability)) * 100
    cls = "bar strong" if strong else "bar"
    title = f' title="API: {escape(api_label)}"' if api_label else ""
    return (f'<div class="{cls}"><span class="bar-name"{title}>{escape(name)}</span>'
            f'<span class="bar-track"><span class="bar-fill" style="width:{width:.1f}%"></span></span>'
            f'<span class="bar-value">{percent(probability)}</span></div>')


def verdict(scores: dict[str, float], words: dict[str, str], meaning: str) -> str:
    """A two-class answer in plain words, with an 'unsure' state when the classes are close.

    `words` names each API label for the page ("POSITIVE" -> "Positive"); `meaning` is one line on
    what the scores are.
    """
    ranked = sorted(scores.items(), key=lambda item: item[1], reverse=True)
    (best, top), rest = ranked[0], ranked[1:]
    margin = top - (rest[0][1] if rest else 0.0)
    points = round(margin * 100)
    if margin < UNSURE_MARGIN:
        lean = say("leaning toward {label}, {points} points apart", label=say(words.get(best, best)), points=points)
        if points == 1:
            lean = lean.replace("1 points", "1 point")
        headline = f'<div class="verdict unsure">{say("Unsure")} <span class="lean">{escape(lean)}</span></div>'
    else:
        headline = f'<div class="verdict">{escape(say(words.get(best, best)))}</div>'
    bars = "".join(bar(say(words.get(name, name)), p, strong=name == best, api_label=name) for name, p in ranked)
    line = f'<p class="meaning">{escape(say(meaning))}</p>' if meaning else ""
    return f'<div class="answer">{headline}{bars}{line}</div>'


def comparison(outputs: tuple, words: dict[str, str], meaning: str, task: str) -> str:
    """Two answers side by side, the classic checkpoint's and the zero-shot model's, and whether they agree."""
    classic, zero_shot = outputs
    columns = []
    for title, scores in (("Classic checkpoint", classic), ("Zero-shot LLM", zero_shot)):
        missing = say("Not loaded on this page: it runs the embedded profile. Start the app where the hub is "
                      "reachable, or with {flag} to a local checkpoint.", flag=f"<code>--model {escape(task)}=PATH</code>")
        body = verdict(scores, words, "") if scores else f'<p class="meaning">{missing}</p>'
        columns.append(f'<div class="way"><div class="blank-head">{say(title)}</div>{body}</div>')
    agreement = ""
    if classic and zero_shot:
        same = max(classic, key=classic.get) == max(zero_shot, key=zero_shot.get)
        agreement = f'<p class="agreement">{say("They agree." if same else "They disagree.")}</p>'
    return f'<div class="answer ways">{"".join(columns)}</div>{agreement}<p class="meaning">{escape(say(meaning))}</p>'


def candidate_list(candidates: list[tuple[str, float]]) -> str:
    """Bars for a blank's candidates; those under 1% are folded into a 'more' line."""
    shown = [(word, p) for word, p in candidates if p >= HIDE_BELOW] or candidates[:1]
    folded = candidates[len(shown):]
    html = "".join(bar(word, p, strong=i == 0) for i, (word, p) in enumerate(shown))
    if folded:
        rest = "".join(bar(word, p) for word, p in folded)
        html += f'<details class="more"><summary>{say("{count} more under 1%", count=len(folded))}</summary>{rest}</details>'
    return html


def filled_sentence(pieces: list[str], fills: list[str]) -> str:
    """The text with each blank shown as a numbered, highlighted fill."""
    out = [escape(pieces[0])]
    for number, (fill, piece) in enumerate(zip(fills, pieces[1:], strict=True), start=1):
        out.append(f'<mark class="blank">{escape(fill)}<sup>{number}</sup></mark>{escape(piece)}')
    return f'<p class="sentence">{"".join(out)}</p>'


def filled_html(text: str, table: list) -> str:
    """The sentence with each blank's best word, then each blank's candidates."""
    per_mask: dict[int, list[tuple[str, float]]] = {}
    for mask, _rank, word, prob in table:
        per_mask.setdefault(int(mask), []).append((str(word), float(prob)))
    normalized, count = normalize_masks(text, MASK_SPELLINGS[0])
    pieces = normalized.split(MASK_SPELLINGS[0])
    fills = [per_mask[m][0][0].removeprefix("##") if per_mask.get(m) else "?" for m in range(1, count + 1)]
    blanks = "".join(f'<div class="blank-head">{say("Blank {m}", m=m)}</div>{candidate_list(per_mask.get(m, []))}'
                     for m in range(1, count + 1))
    return filled_sentence(pieces, fills) + blanks


def continuation(prompt: str, pieces: list[tuple[str, float | None, str]], note: str = "") -> str:
    """The prompt, muted, followed by the model's text; each generated piece is shaded by how
    expected it was, with its alternatives shown on hover or tap. `pieces` are (text,
    probability or None, alternatives line)."""
    spans = []
    for text, probability, alternatives in pieces:
        if probability is None:
            spans.append(f'<span class="gen">{escape(text)}</span>')
            continue
        level = 0 if probability >= 0.5 else 1 if probability >= 0.2 else 2 if probability >= 0.05 else 3
        spans.append(f'<span class="gen tok p{level}" tabindex="-1">{escape(text)}'
                     f'<span class="alts" role="tooltip">{escape(alternatives)}</span></span>')
    tail = f' <span class="limit">{escape(note)}</span>' if note else ""
    return f'<div class="continuation"><span class="prompt">{escape(prompt)}</span>{"".join(spans)}{tail}</div>'


FLAT = 0.05  # a push under this share of the strongest is shown uncoloured: it says nothing either way


def heatmap(words: list[tuple[str, float]], up: str, down: str) -> str:
    """The words coloured by their push, scaled to [-1, 1]: blue toward `up` (the first label), red
    toward `down`, stronger for a larger push; a scale with each end named above them. Each word
    says its score on hover, and to a screen reader."""
    up, down = escape(say(up)), escape(say(down))
    spans = []
    for word, score in words:
        text, newline = word.rstrip("\n"), word.endswith("\n")
        side, toward = ("up", up) if score >= 0 else ("down", down)
        if abs(score) < FLAT:
            side = "flat"
        title = escape(say("{score} toward {label}", score=f"{score:+.2f}", label=toward))
        # focusable: a tap on a phone shows the score, as a hover does with a mouse
        spans.append(f'<span class="heat {side}" style="--push:{abs(score):.2f}" title="{title}" '
                     f'data-score="{title}" tabindex="0">{escape(text)}</span>' + ("<br>" if newline else ""))
    scale = (f'<div class="heat-scale" aria-hidden="true"><span>← {down}</span><span class="heat-bar"></span>'
             f'<span>{up} →</span></div>')
    return f'<div class="heatmap">{scale}<p class="heat-text">{"".join(spans)}</p></div>'


def attribution_legend(up: str, down: str, target: str, method: str = "integrated gradients") -> str:
    """The line under a heat map: what the colours mean and how the scores were found (`method`:
    "integrated gradients", "occlusion", or "exact" where the score is a sum over the tokens)."""
    up, down, target = escape(say(up)), escape(say(down)), say(target)
    method = {"exact": say("Each word's exact share of {target}.", target=target),
              "occlusion": say("Each word's score is {target} with the word, minus without it.", target=target)
              }.get(method) or say("Integrated gradients (Captum) on {target}.", target=target)
    return '<p class="legend">' + say(
        'Blue words pushed toward {up}, red words toward {down}; the stronger the colour, the larger the push '
        '(scaled to the strongest, +1 or -1; tap or hover over a word for its score). {method} A word coloured '
        'against the answer does not contradict it: without that word the text would lean even further toward '
        'the answer. Only your words are scored: prompts and special tokens are held fixed. A colour says how '
        'this model\'s score moved, not what a reader would call the word\'s meaning: a small word such as '
        '"the" may carry weight for a small model, and an uncoloured word moved it by under 5% of the strongest.',
        up=up, down=down,
        method=method) + '</p>'


def legend_tokens() -> str:
    """The legend under a generated text: what the shades mean."""
    return '<p class="legend">' + say(
        "Generated text is shaded by how expected each token was: {shades}. Hover over or tap a token for its "
        "probability and the five likeliest alternatives.",
        shades=_SHADES) + "</p>"


def legend_scored() -> str:
    """The legend under a scored text: what the shades mean."""
    return '<p class="legend">' + say(
        "Each token is shaded by its probability given the text before it: {shades}. Hover over or tap a token for "
        "its probability.",
        shades=_SHADES) + "</p>"


_SHADES = ('<span class="tok p0">50% +</span> <span class="tok p1">20–50%</span> '
           '<span class="tok p2">5–20%</span> <span class="tok p3">&lt; 5%</span>')


CSS = """
.answer .verdict { font-size: 1.6em; font-weight: 600; margin: 0.2em 0 0.5em; }
.answer .verdict.unsure { color: var(--body-text-color-subdued); }
.answer .lean { font-size: 0.55em; font-weight: 400; margin-left: 0.4em; }
.bar { display: grid; grid-template-columns: minmax(6em, 14em) 1fr 3.5em; gap: 0.6em; align-items: center;
       margin: 0.3em 0; }
.bar-name { overflow-wrap: anywhere; }
.bar.strong .bar-name, .bar.strong .bar-value { font-weight: 600; }
.bar-track { height: 0.6em; border-radius: 0.3em; background: var(--border-color-primary); overflow: hidden; }
.bar-fill { display: block; height: 100%; background: var(--color-accent); }
.bar-value { text-align: right; font-variant-numeric: tabular-nums; }
/* captions at a readable contrast (the theme's "subdued" grey is about 2.5:1 on white) */
.meaning, .legend { font-size: 0.85em; color: var(--body-text-color); opacity: 0.8; margin-top: 0.6em; }
.sentence { font-size: 1.15em; line-height: 1.9; }
mark.blank { background: var(--color-accent-soft); color: var(--body-text-color); border-bottom: 2px solid
             var(--color-accent); padding: 0.05em 0.25em; border-radius: 0.2em; }
mark.blank sup { font-size: 0.65em; margin-left: 0.15em; }
.blank-head { font-weight: 600; margin: 0.8em 0 0.2em; }
.ways { display: grid; grid-template-columns: repeat(auto-fit, minmax(240px, 1fr)); gap: 1.2em; }
.perplexity { font-size: 1.05em; }
.agreement { font-weight: 600; margin-top: 0.6em; }
details.more summary { cursor: pointer; min-height: 1.6em; color: var(--body-text-color-subdued); }
.continuation { white-space: pre-wrap; overflow-wrap: anywhere; line-height: 1.7; font-size: 1.05em; }
.continuation .prompt { color: var(--body-text-color-subdued); }
.continuation .limit { font-style: italic; color: var(--body-text-color-subdued); }
.tok { position: relative; border-radius: 0.2em; }
.tok.p1 { background: rgba(250, 204, 21, 0.28); }
.tok.p2 { background: rgba(249, 115, 22, 0.35); }
.tok.p3 { background: rgba(239, 68, 68, 0.42); }
.tok .alts { display: none; position: absolute; left: 0; top: 1.7em; z-index: 20; width: max-content;
             max-width: min(22em, 80vw); white-space: pre-wrap; font-weight: 400; font-size: 0.85em; padding: 0.4em 0.6em;
             background: var(--background-fill-primary); color: var(--body-text-color);
             border: 1px solid var(--border-color-primary); border-radius: 0.4em; box-shadow: var(--shadow-drop-lg); }
.tok:hover .alts, .tok:focus .alts { display: block; }
/* in a text, the tip opens under the line from the text's left edge: never past the right edge */
.continuation { position: relative; }
.continuation .tok { position: static; }
.continuation .tok .alts { top: auto; left: 0; max-width: 100%; }
.legend .tok { padding: 0 0.25em; }
.heat-text { line-height: 2; font-size: 1.1em; }
.heat { padding: 0.1em 0.15em; border-radius: 0.2em; }
/* at least 18% colour and an underline in the side's colour: a weak push stays visible on a dark page */
.heat.up { background: rgb(37 99 235 / calc(0.18 + var(--push) * 0.6)); border-bottom: 2px solid rgb(59 130 246); }
.heat.down { background: rgb(220 38 38 / calc(0.18 + var(--push) * 0.6)); border-bottom: 2px solid rgb(239 68 68); }
.heat { position: relative; }
.heat:focus { outline: 2px solid var(--color-accent); }
.heat:focus::after { content: attr(data-score); position: absolute; left: 0; top: 100%; z-index: 5; white-space: nowrap;
                     font-size: 0.8em; padding: 0.1em 0.4em; border-radius: 0.3em; background: var(--background-fill-primary);
                     color: var(--body-text-color); border: 1px solid var(--border-color-primary); }
.heat-scale { display: flex; align-items: center; gap: 0.5em; font-size: 0.85em; max-width: 28em; }
.heat-bar { flex: 1; height: 0.7em; border-radius: 0.35em; border: 1px solid var(--border-color-primary);
            background: linear-gradient(to right, rgb(220 38 38 / 0.75), transparent, rgb(37 99 235 / 0.75)); }
.confusions { display: grid; grid-template-columns: repeat(auto-fit, minmax(260px, 1fr)); gap: 1em; }
.confusion { overflow-x: auto; }
.confusion table { border-collapse: collapse; font-variant-numeric: tabular-nums; font-size: 0.9em; }
.confusion th, .confusion td { padding: 0.25em 0.5em; border: 1px solid var(--border-color-primary); text-align: center; }
.confusion td.hit { background: rgb(37 99 235 / calc(var(--share) * 0.6)); }
.confusion td.miss { background: rgb(220 38 38 / calc(var(--share) * 0.6)); }
.input-error { color: var(--error-text-color, #dc2626); font-weight: 600; }
"""
