"""How often active trigger points were found in each muscle in published clinical samples.

The table lives in ``prevalence.toml`` beside this module: one ``[[study]]`` per paper, each with
its population, the body-region groups where that population's pain is, and a list of
``[[study.finding]]`` rows (muscle id and the percentage of patients with at least one active
trigger point in it). See ``docs/prevalence.md`` for how the table was built and its limits.

Knotwork only uses these figures to order muscles whose referral patterns explain a pain drawing
about equally well; prevalence in a sample is not evidence that a given client has a trigger point.

Every problem in the file becomes a :class:`PrevalenceError` whose message names the study key and
the field, for example ``hidalgo-lozano-2010: finding[1].muscle: unknown muscle id 'infraspinatis'``.
All studies are checked before the error is raised. Nothing here imports Django.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from knotwork import vocab

EVIDENCE_LEVELS: tuple[str, ...] = ("moderate", "low", "very-low")
KEY_PATTERN = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")

_REQUIRED = ("key", "citation", "population", "groups", "design", "n", "evidence", "checked", "finding")
_OPTIONAL = ("doi", "url", "pmid", "notes")
_LOCATORS = ("doi", "url", "pmid")
_FINDING_FIELDS = ("muscle", "active_percent")


class PrevalenceError(ValueError):
    """The prevalence table is invalid; ``problems`` lists each as "study key: field: message"."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass(frozen=True)
class Finding:
    muscle: str
    active_percent: float


@dataclass(frozen=True)
class Study:
    key: str
    citation: str
    population: str
    groups: tuple[str, ...]
    design: str
    n: int
    evidence: str
    checked: bool
    findings: tuple[Finding, ...]
    doi: str | None = None
    url: str | None = None
    pmid: str | None = None
    notes: str = ""

    def percent(self, muscle: str) -> float | None:
        for f in self.findings:
            if f.muscle == muscle:
                return f.active_percent
        return None


@dataclass(frozen=True)
class Prevalence:
    studies: tuple[Study, ...]

    def study(self, key: str) -> Study:
        for s in self.studies:
            if s.key == key:
                return s
        raise KeyError(key)

    def for_groups(self, groups: Iterable[str]) -> dict[str, float]:
        """Muscle id -> sample-size-weighted mean active prevalence (percent) over the studies
        whose ``groups`` share at least one group with ``groups``.

        Each study counts with its number of patients ``n``, and only for the muscles it reports;
        a muscle no matching study reports is absent from the result. Unknown group names raise
        ``ValueError`` so that a typo does not silently return an empty table.
        """
        wanted = set(groups)
        unknown = sorted(wanted - _known_groups())
        if unknown:
            raise ValueError(f"unknown body-region group(s): {', '.join(unknown)}")
        weighted: dict[str, float] = {}
        weights: dict[str, int] = {}
        for s in self.studies:
            if wanted.isdisjoint(s.groups):
                continue
            for f in s.findings:
                weighted[f.muscle] = weighted.get(f.muscle, 0.0) + s.n * f.active_percent
                weights[f.muscle] = weights.get(f.muscle, 0) + s.n
        return {m: weighted[m] / weights[m] for m in weighted}


def default_path() -> Path:
    return Path(str(resources.files("knotwork.atlas").joinpath("prevalence.toml")))


def load_prevalence(path: str | Path | None = None) -> Prevalence:
    """Read and validate the table at ``path`` (the packaged ``prevalence.toml`` by default)."""
    p = Path(path) if path is not None else default_path()
    return parse_prevalence(p.read_text(encoding="utf-8"), source=p.name)


def parse_prevalence(text: str, source: str = "prevalence.toml") -> Prevalence:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PrevalenceError([f"{source}: not valid TOML: {exc}"]) from exc
    problems: list[str] = []
    extra = sorted(set(data) - {"study"})
    if extra:
        problems.append(f"{source}: unknown top-level field(s): {', '.join(extra)}")
    raw = data.get("study")
    if not isinstance(raw, list) or not raw:
        problems.append(f"{source}: study: expected at least one [[study]] table")
        raise PrevalenceError(problems)
    studies: list[Study] = []
    seen: dict[str, int] = {}
    for i, entry in enumerate(raw):
        if not isinstance(entry, dict):
            problems.append(f"study[{i}]: expected a table")
            continue
        key = entry.get("key")
        label = key if isinstance(key, str) and key else f"study[{i}]"
        if isinstance(key, str) and key:
            if key in seen:
                problems.append(f"{label}: key: duplicate key (also study[{seen[key]}])")
            else:
                seen[key] = i
        study, study_problems = _parse_study(label, entry)
        problems.extend(study_problems)
        if study is not None:
            studies.append(study)
    if problems:
        raise PrevalenceError(problems)
    return Prevalence(studies=tuple(studies))


@cache
def packaged() -> Prevalence:
    """The packaged table, read once."""
    return load_prevalence()


def for_groups(groups: set[str]) -> dict[str, float]:
    """:meth:`Prevalence.for_groups` on the packaged table."""
    return packaged().for_groups(groups)


# Field checks -----------------------------------------------------------------------------


@cache
def _known_groups() -> frozenset[str]:
    return frozenset(r.group for r in vocab.regions().values())


def _text(entry: Mapping[str, Any], name: str, label: str, problems: list[str]) -> str:
    value = entry.get(name)
    if not isinstance(value, str) or not value.strip():
        problems.append(f"{label}: {name}: expected a non-empty string")
        return ""
    return value.strip()


def _parse_study(label: str, entry: Mapping[str, Any]) -> tuple[Study | None, list[str]]:
    problems: list[str] = []
    for name in _REQUIRED:
        if name not in entry:
            problems.append(f"{label}: {name}: missing")
    for name in sorted(set(entry) - set(_REQUIRED) - set(_OPTIONAL)):
        problems.append(f"{label}: {name}: unknown field")

    key = _text(entry, "key", label, problems) if "key" in entry else ""
    if key and not KEY_PATTERN.match(key):
        problems.append(f"{label}: key: expected lowercase author-year, e.g. bron-2011, got {key!r}")
    citation = _text(entry, "citation", label, problems) if "citation" in entry else ""
    population = _text(entry, "population", label, problems) if "population" in entry else ""
    design = _text(entry, "design", label, problems) if "design" in entry else ""

    groups: list[str] = []
    if "groups" in entry:
        raw_groups = entry["groups"]
        if not isinstance(raw_groups, list) or not raw_groups:
            problems.append(f"{label}: groups: expected a non-empty list of body-region groups")
        else:
            for j, g in enumerate(raw_groups):
                if not isinstance(g, str) or g not in _known_groups():
                    problems.append(f"{label}: groups[{j}]: unknown body-region group {g!r}")
                elif g in groups:
                    problems.append(f"{label}: groups[{j}]: duplicate group {g!r}")
                else:
                    groups.append(g)

    n = 0
    if "n" in entry:
        raw_n = entry["n"]
        if isinstance(raw_n, bool) or not isinstance(raw_n, int) or raw_n <= 0:
            problems.append(f"{label}: n: expected a positive whole number of patients, got {raw_n!r}")
        else:
            n = raw_n

    evidence = ""
    if "evidence" in entry:
        raw_ev = entry["evidence"]
        if raw_ev not in EVIDENCE_LEVELS:
            problems.append(f"{label}: evidence: expected one of {', '.join(EVIDENCE_LEVELS)}, got {raw_ev!r}")
        else:
            evidence = raw_ev

    checked = False
    if "checked" in entry:
        if not isinstance(entry["checked"], bool):
            problems.append(f"{label}: checked: expected true or false, got {entry['checked']!r}")
        else:
            checked = entry["checked"]

    locators: dict[str, str | None] = {}
    for name in _LOCATORS:
        if name in entry:
            locators[name] = _text(entry, name, label, problems) or None
        else:
            locators[name] = None
    if not any(name in entry for name in _LOCATORS):
        problems.append(f"{label}: doi: give at least one of doi, url or pmid")

    notes = ""
    if "notes" in entry:
        if not isinstance(entry["notes"], str):
            problems.append(f"{label}: notes: expected a string")
        else:
            notes = entry["notes"].strip()

    findings = _parse_findings(label, entry.get("finding"), problems) if "finding" in entry else []

    if problems:
        return None, problems
    return (
        Study(
            key=key,
            citation=citation,
            population=population,
            groups=tuple(groups),
            design=design,
            n=n,
            evidence=evidence,
            checked=checked,
            findings=tuple(findings),
            doi=locators["doi"],
            url=locators["url"],
            pmid=locators["pmid"],
            notes=notes,
        ),
        [],
    )


def _parse_findings(label: str, raw: Any, problems: list[str]) -> list[Finding]:
    if not isinstance(raw, list) or not raw:
        problems.append(f"{label}: finding: expected at least one [[study.finding]] table")
        return []
    muscles = vocab.muscles()
    findings: list[Finding] = []
    seen: set[str] = set()
    for j, row in enumerate(raw):
        where = f"{label}: finding[{j}]"
        if not isinstance(row, dict):
            problems.append(f"{where}: expected a table")
            continue
        for name in _FINDING_FIELDS:
            if name not in row:
                problems.append(f"{where}.{name}: missing")
        for name in sorted(set(row) - set(_FINDING_FIELDS)):
            problems.append(f"{where}.{name}: unknown field")
        muscle = row.get("muscle")
        ok = True
        if "muscle" in row:
            if not isinstance(muscle, str) or muscle not in muscles:
                problems.append(f"{where}.muscle: unknown muscle id {muscle!r}")
                ok = False
            elif muscle in seen:
                problems.append(f"{where}.muscle: duplicate muscle {muscle!r} in this study")
                ok = False
        else:
            ok = False
        percent = row.get("active_percent")
        if "active_percent" in row:
            if isinstance(percent, bool) or not isinstance(percent, int | float):
                problems.append(f"{where}.active_percent: expected a number, got {percent!r}")
                ok = False
            elif not 0.0 <= float(percent) <= 100.0:
                problems.append(f"{where}.active_percent: {percent} is outside 0-100")
                ok = False
        else:
            ok = False
        if ok and isinstance(muscle, str) and isinstance(percent, int | float):
            seen.add(muscle)
            findings.append(Finding(muscle=muscle, active_percent=float(percent)))
    return findings
