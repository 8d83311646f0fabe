"""Adapting the plan to logged pain: reading outcomes, and what a review decides.

Outcomes are pain ratings (0-10) logged at sessions or in a daily diary. At a review the pain is
the mean of the readings of the ``reading_window_days`` up to the review date (or the latest
reading since the previous review), compared with the *reference*: the pain when the frequency
last changed (at first, the worst pain of the presentation). See ``rules.RULES`` ("improvement",
"no-improvement") and ``docs/plan.md``.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any, Literal, NamedTuple

from knotwork.plan.model import Outcome, PlanError
from knotwork.plan.rules import Rules

Verdict = Literal["improved", "resolved", "no-change", "worse"]


class Judgement(NamedTuple):
    verdict: Verdict
    change_points: float  # positive: pain fell
    change_percent: float | None  # of the reference; None when the reference is 0


def judge(reference: float, baseline: float, current: float, rules: Rules) -> Judgement:
    """Compare the pain now with the reference (and, for worsening, with the baseline too)."""
    fall = reference - current
    percent = None if reference == 0 else round(100 * fall / reference, 1)
    if current <= rules.resolved_at:
        return Judgement("resolved", round(fall, 2), percent)
    if fall >= rules.improvement_points or (reference > 0 and fall / reference >= rules.improvement_fraction):
        return Judgement("improved", round(fall, 2), percent)
    for level in (reference, baseline):
        rise = current - level
        if rise >= rules.improvement_points or (level > 0 and rise / level >= rules.improvement_fraction):
            return Judgement("worse", round(fall, 2), percent)
    return Judgement("no-change", round(fall, 2), percent)


def readings_for(outcomes: Sequence[Outcome], review_date: date, since: date | None, rules: Rules) -> list[Outcome]:
    """The readings a review looks at: the window before it, or else the latest one since the last review."""
    eligible = [o for o in outcomes if o.date <= review_date and (since is None or o.date > since)]
    if not eligible:
        return []
    window_start = review_date - timedelta(days=rules.reading_window_days - 1)
    recent = [o for o in eligible if o.date >= window_start]
    return recent or [max(eligible, key=lambda o: o.date)]


def mean_pain(readings: Sequence[Outcome]) -> float:
    return round(sum(o.pain for o in readings) / len(readings), 2)


# ---- reading an outcome log ----------------------------------------------------------------


def _pain(value: Any, where: str, problems: list[str]) -> float | None:
    if isinstance(value, str):
        try:
            value = float(value.strip())
        except ValueError:
            problems.append(f"{where}.pain: expected a number from 0 to 10, got {value!r}")
            return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        problems.append(f"{where}.pain: expected a number from 0 to 10, got {json.dumps(value)}")
        return None
    if not 0 <= value <= 10:
        problems.append(f"{where}.pain: {value} is outside 0-10")
        return None
    return float(value)


def _date(value: Any, where: str, problems: list[str]) -> date | None:
    if not isinstance(value, str):
        problems.append(f"{where}.date: expected a date YYYY-MM-DD, got {json.dumps(value)}")
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        problems.append(f"{where}.date: {value!r} is not a date YYYY-MM-DD")
        return None


def outcomes_from_data(data: Any, *, where: str = "outcomes") -> list[Outcome]:
    """Outcomes from decoded JSON: a list of ``{"date": "YYYY-MM-DD", "pain": 0-10, "note": "..."}``."""
    if not isinstance(data, list):
        raise PlanError([f"{where}: expected an array of {{date, pain}} objects"])
    problems: list[str] = []
    out: list[Outcome] = []
    for i, entry in enumerate(data):
        here = f"{where}[{i}]"
        if not isinstance(entry, dict):
            problems.append(f"{here}: expected an object with date and pain")
            continue
        for key in entry:
            if key not in ("date", "pain", "note"):
                problems.append(f"{here}.{key}: unknown field (expected date, pain, note)")
        for key in ("date", "pain"):
            if key not in entry:
                problems.append(f"{here}.{key}: required")
        if "date" not in entry or "pain" not in entry:
            continue
        d = _date(entry["date"], here, problems)
        pain = _pain(entry["pain"], here, problems)
        note = entry.get("note", "")
        if not isinstance(note, str):
            problems.append(f"{here}.note: expected a string")
            note = ""
        if d is not None and pain is not None:
            out.append(Outcome(d, pain, note))
    if problems:
        raise PlanError(problems)
    return sorted(out, key=lambda o: o.date)


def read_outcomes(text: str, *, name: str = "outcomes") -> list[Outcome]:
    """A pain log as JSON (an array, see ``outcomes_from_data``) or CSV with a ``date,pain[,note]`` header."""
    stripped = text.lstrip()
    if stripped.startswith("["):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise PlanError([f"{name}: not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"]) from None
        return outcomes_from_data(data, where=name)
    rows = list(csv.reader(io.StringIO(text)))
    rows = [r for r in rows if any(cell.strip() for cell in r)]
    if not rows:
        raise PlanError([f"{name}: empty: expected a header line date,pain and one line per reading"])
    header = [h.strip().lower() for h in rows[0]]
    if "date" not in header or "pain" not in header:
        raise PlanError([f"{name}: line 1: expected a header with the columns date and pain, got {','.join(header)}"])
    unknown = [h for h in header if h not in ("date", "pain", "note")]
    if unknown:
        raise PlanError([f"{name}: line 1: unknown column {unknown[0]!r} (expected date, pain, note)"])
    entries: list[dict[str, str]] = []
    problems: list[str] = []
    for number, row in enumerate(rows[1:], start=2):
        if len(row) > len(header):
            problems.append(f"{name}: line {number}: {len(row)} values for {len(header)} columns")
            continue
        entries.append(dict(zip(header, [c.strip() for c in row], strict=False)))
    if problems:
        raise PlanError(problems)
    try:
        return outcomes_from_data(entries, where=name)
    except PlanError as exc:
        # Name the CSV line, not the array index: "outcomes.csv: line 3: pain: 11 is outside 0-10".
        renamed = []
        for p in exc.problems:
            head, _, rest = p.partition(": ")
            index = head[len(name) + 1 : head.index("]")] if head.startswith(f"{name}[") else None
            field = head.partition("].")[2]
            if index is not None and index.isdigit():
                renamed.append(f"{name}: line {int(index) + 2}: {field + ': ' if field else ''}{rest}")
            else:
                renamed.append(p)
        raise PlanError(renamed) from None
