"""The secondary signal: what the client says, matched against what each muscle is known for.

Two kinds of match, both from the atlas's own words:

* a complaint the muscle mimics, named in the history ("frozen shoulder", "tennis elbow",
  "plantar fasciitis"): every distinctive word of the complaint must appear. Strong signal.
* aggravating activities and perpetuating factors ("long hours at a laptop", "running uphill"):
  words shared with the client's history and aggravating factors, weighted by how specific
  they are across the atlas (inverse document frequency). Weak signal.

The score is in [0, 1]. It only nudges a ranking that the pain drawing leads.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from typing import TYPE_CHECKING, Any

from knotwork.assess.presentation import Presentation

if TYPE_CHECKING:
    from knotwork.atlas.model import Muscle

STOP = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "been",
        "being",
        "by",
        "can",
        "for",
        "from",
        "has",
        "have",
        "in",
        "into",
        "is",
        "it",
        "its",
        "like",
        "long",
        "of",
        "on",
        "or",
        "over",
        "the",
        "their",
        "them",
        "then",
        "this",
        "to",
        "up",
        "when",
        "with",
        "without",
        "while",
        "after",
        "before",
        "during",
        "more",
        "less",
        "very",
        "often",
        "pain",
        "painful",
        "ache",
        "aching",
        "sore",
        "soreness",
        "hurt",
        "hurts",
        "felt",
        "feel",
        "feels",
        "side",
        "sided",
        "left",
        "right",
        "one",
        "both",
        "muscle",
        "muscles",
        "point",
        "points",
        "area",
        "region",
        "sometimes",
        "usually",
        "may",
        "might",
        "other",
        "others",
        "also",
        "such",
        "e",
        "g",
        "eg",
        "etc",
        "s",
        "t",
        "don",
        "doesn",
        "not",
        "no",
        "any",
        "all",
        "each",
        "per",
        "day",
        "days",
        "time",
        "times",
    ]
)
WORD = re.compile(r"[a-z]+")
MIMIC_WEIGHT, ACTIVITY_WEIGHT = 0.7, 0.3
DISTINCTIVE = 1.5  # idf: words found in fewer than about a fifth of the muscles


def round4(x: float) -> float:
    """``x`` (>= 0) to four decimals, half up: three times as fast as ``round(x, 4)``. The hot
    loops of the ranking write it out in place (the same operations, so the same result)."""
    return int(x * 10000.0 + 0.5) / 10000.0


def stem(word: str) -> str:
    """A light stemmer: enough to match "running" with "run", "headaches" with "headache"."""
    if word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith("es") and word[:-2].endswith(("s", "x", "z", "ch", "sh")):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    for suffix in ("ation", "ing", "ness", "ed"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            break
    if len(word) > 3 and word[-1] == word[-2]:
        word = word[:-1]
    if len(word) > 3 and word[-1] in "ey":
        word = word[:-1]
    return word


_STEMS: dict[str, str] = {}


def terms(text: str) -> list[str]:
    """The stemmed content words of a text (stems are remembered: a history reuses common words)."""
    out = []
    stems = _STEMS
    for w in WORD.findall(text.lower()):
        if w in STOP or len(w) < 3:
            continue
        s = stems.get(w)
        if s is None:
            s = stem(w)
            if len(stems) < 100_000:
                stems[w] = s
        out.append(s)
    return out


def compile_text(muscles: list[Muscle]) -> dict[str, Any]:
    """The words of each muscle, as plain data for the engine's snapshot."""
    mimics: dict[str, list[tuple[str, list[str]]]] = {}
    activity: dict[str, list[str]] = {}
    df: Counter[str] = Counter()
    for m in muscles:
        mimics[m.id] = []
        for mimic in m.mimics:
            # Only the part before a bracket or dash names the complaint:
            # "Tennis elbow (lateral epicondylalgia)" -> "tennis elbow".
            head = re.split(r"[(;:—–]| - ", mimic)[0]
            words = sorted(set(terms(head)))
            if words:
                mimics[m.id].append((head.strip(), words))
        words = sorted(set(terms(" ".join(m.aggravating_activities + m.perpetuating_factors))))
        activity[m.id] = words
        df.update(words)
    n = max(1, len(muscles))
    idf = {w: math.log(n / c) for w, c in df.items()}
    # A complaint matches only when all its words were said, so it is indexed under one of them
    # (the rarest); activity words count only when distinctive. A history is then compared with
    # just the complaints and muscles its words can reach.
    frequency: Counter[str] = Counter(w for items in mimics.values() for _, words in items for w in words)
    mimics_by_word: dict[str, list[tuple[str, str, list[str]]]] = {}
    for mid, items in mimics.items():
        for name, words in items:
            key = min(words, key=lambda w: (frequency[w], w))
            mimics_by_word.setdefault(key, []).append((mid, name, words))
    activity_by_word: dict[str, list[str]] = {}
    for mid, words in activity.items():
        for w in words:
            if idf[w] > DISTINCTIVE:
                activity_by_word.setdefault(w, []).append(mid)
    return {
        "mimic_names": {mid: [name for name, _ in items] for mid, items in mimics.items()},
        "mimics_by_word": mimics_by_word,
        "activity_by_word": activity_by_word,
        "idf": idf,
        "max_idf": math.log(n),
    }


class TextIndex:
    def __init__(self, data: dict[str, Any], muscle_index: dict[str, int]) -> None:
        """The compiled words (``compile_text``), with muscles as indexes (``muscle_index``)."""
        self.mimic_names: dict[int, list[str]] = {
            muscle_index[mid]: names for mid, names in data["mimic_names"].items()
        }
        self.mimics_by_word: dict[str, list[tuple[int, str, frozenset[str]]]] = {
            key: [(muscle_index[mid], name, frozenset(words)) for mid, name, words in items]
            for key, items in data["mimics_by_word"].items()
        }
        self.max_idf: float = data["max_idf"]
        # Each distinctive activity word, with its weight (idf) and the muscles it points to.
        idf: dict[str, float] = data["idf"]
        self.activity_weights: dict[str, tuple[float, tuple[int, ...]]] = {
            w: (idf[w], tuple(muscle_index[mid] for mid in muscles)) for w, muscles in data["activity_by_word"].items()
        }
        # The stems that can change a score: an activity word, or a word of a complaint.
        self.vocabulary = frozenset(self.activity_weights) | {
            w for items in self.mimics_by_word.values() for _, _, words in items for w in words
        }
        # word said -> its stem when in the vocabulary, else "" (a word's stem never changes).
        self._said: dict[str, str] = {}

    def said(self, text: str) -> set[str]:
        """The stems of ``text`` that are in the vocabulary: the others match nothing (no activity
        word, no word of a complaint), so leaving them out changes no score."""
        memo = self._said
        out = set()
        for w in WORD.findall(text.lower()):
            s = memo.get(w)
            if s is None:
                found = terms(w)
                s = found[0] if found and found[0] in self.vocabulary else ""
                if len(memo) < 100_000:
                    memo[w] = s
            if s:
                out.add(s)
        return out

    def scores(self, p: Presentation) -> tuple[dict[int, float], dict[int, tuple[str, ...]]]:
        """muscle index -> score in [0, 1]; and muscle index -> the complaints that matched."""
        said = self.said(" ".join([p.history or "", *p.aggravating, *p.relieving]))
        matched: dict[int, list[str]] = {}
        weight: dict[int, float] = {}
        mimics_by_word, activity = self.mimics_by_word, self.activity_weights
        # In sorted order: the activity weights are floating-point sums, and a set of strings is
        # iterated in an order that changes from one process to the next (hash seed).
        for w in sorted(said):
            complaints = mimics_by_word.get(w)
            if complaints is not None:
                for mi, name, words in complaints:
                    if words <= said:
                        matched.setdefault(mi, []).append(name)
            found = activity.get(w)
            if found is not None:
                idf, muscles = found
                for mi in muscles:
                    weight[mi] = weight.get(mi, 0.0) + idf
        score: dict[int, float] = {}
        scale = 1 / (2 * self.max_idf)
        for mi, total in weight.items():
            # Activity words alone: at most ACTIVITY_WEIGHT. The score is
            # round4(ACTIVITY_WEIGHT * min(1.0, x)) written out (the same operations, the same
            # result): two calls fewer for each of the twenty-odd muscles a history reaches.
            x = total * scale
            score[mi] = int(ACTIVITY_WEIGHT * (x if x < 1.0 else 1.0) * 10000.0 + 0.5) / 10000.0
        complaints_named: dict[int, tuple[str, ...]] = {}
        order = self.mimic_names  # the atlas's order, so that listed complaints come out in it
        for mi, names in matched.items():
            names = [n for n in order[mi] if n in names]
            activity_score = min(1.0, weight.get(mi, 0.0) * scale)
            score[mi] = round4(MIMIC_WEIGHT + ACTIVITY_WEIGHT * activity_score)
            complaints_named[mi] = tuple(names[:2])
        return score, complaints_named
