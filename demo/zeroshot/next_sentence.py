"""Zero-shot next-sentence prediction by pointwise mutual information.

PMI = log P(B | A) - log P(B), averaged over B's tokens: how much more expected B becomes once A
has been read. PMI > 0 is too lenient (a fluent model finds most sentences a little more likely
after any text), so the threshold and scale come from built-in calibration pairs written for this
app: their coherent and shuffled PMIs fix where IsNext = 0.5 lies and how fast it saturates.
"""

from __future__ import annotations

import math
import statistics

from demo.inference import InferenceWorker
from demo.models import LoadedModel
from demo.tasks.base import LabelScores
from demo.tasks.next_sentence import IS_NEXT, NOT_NEXT
from demo.zeroshot.scoring import continuation_logprobs, encode

CALIBRATION_PAIRS = [
    ("The kettle started to whistle.", "She took it off the stove and made tea."),
    ("Our flight was delayed by three hours.", "We spent the time reading in the airport cafe."),
    ("He trained every morning for the marathon.", "On race day he finished in under four hours."),
    ("The printer jammed again.", "I opened the tray and pulled out the crumpled paper."),
    ("It snowed all night.", "By morning the roads were closed."),
    ("The museum opens at nine.", "We arrived early to avoid the crowds."),
    ("My phone battery died.", "I had to borrow a charger from a colleague."),
    ("The team lost the final.", "The fans walked out of the stadium in silence."),
]
MAX_SENTENCE_TOKENS = 256


class PmiNextSentence:
    """IsNext probability from calibrated PMI under Gemma 3 270M."""

    def __init__(self, loaded: LoadedModel, worker: InferenceWorker):
        self.loaded = loaded
        self.worker = worker
        firsts = [a for a, _ in CALIBRATION_PAIRS]
        seconds = [b for _, b in CALIBRATION_PAIRS]
        shuffled = seconds[1:] + seconds[:1]
        coherent = worker.call(self.pmi_many, list(zip(firsts, seconds, strict=True)))
        random = worker.call(self.pmi_many, list(zip(firsts, shuffled, strict=True)))
        self.threshold = (statistics.mean(coherent) + statistics.mean(random)) / 2
        self.scale = max((statistics.mean(coherent) - statistics.mean(random)) / 4, 1e-3)

    def pmi_many(self, pairs: list[tuple[str, str]]) -> list[float]:
        """Mean per-token PMI of B given A, for each (A, B) pair, in one batch."""
        return self._pmi_of_ids([self._ids(a, b)[0] for a, b in pairs])

    def _ids(self, a: str, b: str) -> tuple[tuple[list[int], list[int]], int]:
        """A's last and B's first `MAX_SENTENCE_TOKENS` tokens, and how many tokens were left out."""
        a_ids, b_ids = encode(self.loaded, a), encode(self.loaded, " " + b)
        dropped = max(0, len(a_ids) - MAX_SENTENCE_TOKENS) + max(0, len(b_ids) - MAX_SENTENCE_TOKENS)
        return (a_ids[-MAX_SENTENCE_TOKENS:], b_ids[:MAX_SENTENCE_TOKENS]), dropped

    def _pmi_of_ids(self, pairs: list[tuple[list[int], list[int]]]) -> list[float]:
        bos = [self.loaded.tokenizer.bos_token_id]
        jobs = []
        for a_ids, b_ids in pairs:
            jobs += [(bos + a_ids, b_ids), (bos, b_ids)]
        scores = continuation_logprobs(self.loaded, jobs)
        return [
            (sum(with_a) - sum(alone)) / len(with_a)
            for with_a, alone in zip(scores[::2], scores[1::2], strict=True)
        ]

    def judge(self, sentence_a: str, sentence_b: str) -> LabelScores:
        # tokenized in the request's thread: a 200,000-character text takes a second, which the
        # inference thread spends on other requests meanwhile
        pair, dropped = self._ids(sentence_a, sentence_b)
        pmi = self.worker.call(self._pmi_of_ids, [pair])[0]
        is_next = 1 / (1 + math.exp(-(pmi - self.threshold) / self.scale))
        return LabelScores({IS_NEXT: is_next, NOT_NEXT: 1 - is_next}, dropped, MAX_SENTENCE_TOKENS)
