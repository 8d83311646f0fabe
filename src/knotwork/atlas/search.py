"""Finding muscles: by id, name or synonym, and by free text (names, synonyms, complaints).

Where it hurts is the assessment's job (``knotwork.assess``).
"""

from __future__ import annotations

import re

from knotwork.atlas.model import Atlas, Muscle


def _norm(text: str) -> str:
    return re.sub(r"[\s_]+", "-", text.strip().lower())


def find_muscle(atlas: Atlas, query: str) -> Muscle | None:
    """The muscle whose id, name or synonym is ``query`` (case and spacing ignored), or None."""
    key = _norm(query)
    if key in atlas.muscles:
        return atlas.muscles[key]
    for m in atlas.muscles.values():
        if key == _norm(m.name) or any(key == _norm(s) for s in m.synonyms):
            return m
    return None


def search(atlas: Atlas, text: str) -> list[Muscle]:
    """Muscles matching free text: names and synonyms first, then what they mimic.

    Every word must match somewhere (name, synonyms, id, mimicked complaints), so
    "tennis elbow" finds the forearm extensors and "scm" finds the sternocleidomastoid.
    """
    words = [w for w in re.split(r"\W+", text.lower()) if w]
    if not words:
        return list(atlas.muscles.values())
    ranked: list[tuple[int, int, Muscle]] = []
    for order, m in enumerate(atlas.muscles.values()):
        names = " ".join([m.name, m.id.replace("-", " "), *m.synonyms]).lower()
        mimics = " ".join(m.mimics).lower()
        everything = f"{names} {mimics}"
        if not all(w in everything for w in words):
            continue
        phrase = " ".join(words)
        if _norm(m.name) == _norm(phrase) or any(_norm(s) == _norm(phrase) for s in m.synonyms):
            rank = 0
        elif all(w in names for w in words):
            rank = 1 if m.name.lower().startswith(words[0]) else 2
        else:
            rank = 3
        ranked.append((rank, order, m))
    return [m for _, _, m in sorted(ranked, key=lambda t: (t[0], t[1]))]
