"""Reading a presentation (what one client reports at intake) and checking it against the contract.

Every problem is reported with the path of its field, e.g.
``pain[2].region: unknown region code "tempel"``; all problems are collected, nothing is guessed
or dropped. The rules are those of ``spec/presentation.schema.json`` and ``spec/README.md``.
"""

from __future__ import annotations

import json
import re
from typing import Any, NamedTuple

from knotwork import vocab

SIDES = ("left", "right", "bilateral", "midline")
SEXES = ("F", "M", "X")
CODE = re.compile(r"^[a-z][a-z-]*$")
TOP_LEVEL = ("id", "age", "sex", "pain", "screening", "aggravating", "relieving", "history", "findings")


class PresentationError(ValueError):
    """A presentation broke the contract; ``problems`` lists each as "path: message"."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


class Pain(NamedTuple):
    region: str
    side: str  # left, right, bilateral or midline
    intensity: float | None = None

    def region_sides(self) -> tuple[tuple[str, str], ...]:
        if self.side == "bilateral":
            return ((self.region, "right"), (self.region, "left"))
        return ((self.region, self.side),)


class Presentation(NamedTuple):
    pain: tuple[Pain, ...]
    screening: dict[str, bool]
    id: str | None = None
    age: int | None = None
    sex: str | None = None
    aggravating: tuple[str, ...] = ()
    relieving: tuple[str, ...] = ()
    history: str | None = None
    findings: str | None = None

    def answered(self, code: str) -> bool:
        """True when the screening question was answered yes."""
        return self.screening.get(code) is True

    def free_text(self) -> str:
        return " \n".join([self.history or "", *self.aggravating, *self.relieving, self.findings or ""])


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _strings(data: dict[str, Any], key: str, problems: list[str]) -> tuple[str, ...]:
    value = data.get(key)
    if value is None and key not in data:
        return ()
    if not isinstance(value, list):
        problems.append(f"{key}: expected an array of strings, got {_kind(value)}")
        return ()
    out = []
    for i, item in enumerate(value):
        if isinstance(item, str):
            out.append(item)
        else:
            problems.append(f"{key}[{i}]: expected a string, got {_kind(item)}")
    return tuple(out)


def _optional_string(data: dict[str, Any], key: str, problems: list[str]) -> str | None:
    if key not in data:
        return None
    value = data[key]
    if not isinstance(value, str):
        problems.append(f"{key}: expected a string, got {_kind(value)}")
        return None
    return value


def from_data(data: Any) -> Presentation:
    """Check decoded JSON against the contract and build a Presentation, or raise PresentationError."""
    if not isinstance(data, dict):
        raise PresentationError([f"(document): expected an object, got {_kind(data)}"])
    problems: list[str] = []
    regions = vocab.regions()
    questions = vocab.screening_questions()

    for key in data:
        if key not in TOP_LEVEL:
            problems.append(f"{key}: unknown field (expected one of {', '.join(TOP_LEVEL)})")

    pid = _optional_string(data, "id", problems)

    age = data.get("age")
    if "age" in data:
        if isinstance(age, bool) or not isinstance(age, int | float) or age != int(age):
            problems.append(f"age: expected a whole number of years, got {json.dumps(age)}")
            age = None
        elif not 0 <= age <= 120:
            problems.append(f"age: {age} is outside 0-120")
            age = None
        else:
            age = int(age)

    sex = data.get("sex")
    if "sex" in data and sex not in SEXES:
        problems.append(f"sex: {json.dumps(sex)} is not one of F, M, X")
        sex = None

    pain: list[Pain] = []
    if "pain" not in data:
        problems.append("pain: required (an empty array when nothing hurts)")
    elif not isinstance(data["pain"], list):
        problems.append(f"pain: expected an array, got {_kind(data['pain'])}")
    else:
        for i, entry in enumerate(data["pain"]):
            here = f"pain[{i}]"
            if not isinstance(entry, dict):
                problems.append(f"{here}: expected an object with region and side, got {_kind(entry)}")
                continue
            for key in entry:
                if key not in ("region", "side", "intensity"):
                    problems.append(f"{here}.{key}: unknown field (expected region, side, intensity)")
            region, side, intensity = entry.get("region"), entry.get("side"), entry.get("intensity")
            ok = True
            if "region" not in entry:
                problems.append(f"{here}.region: required")
                ok = False
            elif not isinstance(region, str):
                problems.append(f"{here}.region: expected a region code, got {_kind(region)}")
                ok = False
            elif region not in regions:
                problems.append(f'{here}.region: unknown region code "{region}"')
                ok = False
            if "side" not in entry:
                problems.append(f"{here}.side: required (left, right, bilateral or midline)")
                ok = False
            elif side not in SIDES:
                problems.append(f"{here}.side: {json.dumps(side)} is not one of left, right, bilateral, midline")
                ok = False
            elif ok and isinstance(region, str):
                sided = regions[region].sided
                if sided and side == "midline":
                    problems.append(f'{here}.side: "{region}" has a left and a right: use left, right or bilateral')
                    ok = False
                elif not sided and side != "midline":
                    problems.append(f'{here}.side: "{region}" is a midline region: use midline, not "{side}"')
                    ok = False
            if "intensity" in entry:
                if isinstance(intensity, bool) or not isinstance(intensity, int | float):
                    problems.append(f"{here}.intensity: expected a number from 0 to 10, got {_kind(intensity)}")
                    ok = False
                elif not 0 <= intensity <= 10:
                    problems.append(f"{here}.intensity: {intensity} is outside 0-10")
                    ok = False
            if ok:
                pain.append(
                    Pain(region=str(region), side=str(side), intensity=None if intensity is None else float(intensity))
                )

    screening: dict[str, bool] = {}
    raw_screening = data.get("screening", {})
    if not isinstance(raw_screening, dict):
        problems.append(f"screening: expected an object of code: true/false, got {_kind(raw_screening)}")
    else:
        for code, answer in raw_screening.items():
            if code not in questions:
                problems.append(f'screening.{code}: unknown screening code "{code}"')
            elif not isinstance(answer, bool):
                problems.append(f"screening.{code}: expected true or false, got {json.dumps(answer)}")
            else:
                screening[code] = answer

    aggravating = _strings(data, "aggravating", problems)
    relieving = _strings(data, "relieving", problems)
    history = _optional_string(data, "history", problems)
    findings = _optional_string(data, "findings", problems)

    if problems:
        raise PresentationError(problems)
    return Presentation(
        pain=tuple(pain),
        screening=screening,
        id=pid,
        age=age,
        sex=sex,
        aggravating=aggravating,
        relieving=relieving,
        history=history,
        findings=findings,
    )


def read(text: str | bytes) -> Presentation:
    """Parse one presentation from JSON text."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise PresentationError(
            [f"(document): not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"]
        ) from None
    except UnicodeDecodeError:
        raise PresentationError(["(document): not UTF-8 text"]) from None
    return from_data(data)
