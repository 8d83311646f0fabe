"""Read and validate the atlas's muscle files.

Every problem becomes an :class:`AtlasError` naming the file and the field, for example
``trapezius-upper.toml: trigger_points[0].essential[1]: unknown region code "tempel"``.
All files are checked before the first error is raised, so an editor sees every mistake at once.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import msgspec

from knotwork import vocab
from knotwork.atlas.model import (
    Atlas,
    Evidence,
    Muscle,
    ReferralZone,
    SelfCare,
    Source,
    TechniqueNote,
    TriggerPoint,
)

ZONE_PREFIXES = {"both": "both", "opposite": "opposite"}


class AtlasError(ValueError):
    """One or more atlas files are invalid; ``problems`` lists each as "file: field: message"."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


# The file's own shape. Lists and strings are checked by msgspec, which names the path of a
# wrongly typed field; the cross-references (regions, muscles, techniques, sources) are
# checked afterwards against the vocabularies.
class _TriggerPointFile(msgspec.Struct, forbid_unknown_fields=True):
    id: str
    location: str
    region: str
    essential: list[str]
    name: str = ""
    spillover: list[str] = []
    note: str | None = None


class _MuscleFile(msgspec.Struct, forbid_unknown_fields=True):
    id: str
    name: str
    group: str
    description: str
    trigger_points: list[_TriggerPointFile]
    sources: list[Source]
    synonyms: list[str] = []
    mimics: list[str] = []
    perpetuating_factors: list[str] = []
    aggravating_activities: list[str] = []
    techniques: list[TechniqueNote] = []
    self_care: list[SelfCare] = []
    evidence: list[Evidence] = []
    review: str = "draft"


def default_dir() -> Path:
    return Path(str(resources.files("knotwork.atlas").joinpath("muscles")))


def _zone(text: str) -> tuple[str, str]:
    """Split "both:forehead" into ("both", "forehead"); a bare code is ipsilateral."""
    prefix, sep, code = text.partition(":")
    if sep:
        return ZONE_PREFIXES.get(prefix, f"?{prefix}"), code
    return "same", text


def parse_muscle(name: str, text: str) -> tuple[Muscle | None, list[str]]:
    """Parse one muscle file's text; return the muscle (or None) and the problems found."""
    try:
        raw: dict[str, Any] = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return None, [f"{name}: not valid TOML: {exc}"]
    try:
        data = msgspec.convert(raw, _MuscleFile)
    except msgspec.ValidationError as exc:
        # msgspec says "Expected `str`, got `int` - at `$.trigger_points[0].location`".
        message, _, where = str(exc).partition(" - at `$.")
        field = where.rstrip("`") or "(top level)"
        return None, [f"{name}: {field}: {message}"]

    problems: list[str] = []

    def bad(field: str, message: str) -> None:
        problems.append(f"{name}: {field}: {message}")

    regions, muscles, techniques = vocab.regions(), vocab.muscles(), vocab.techniques()
    expected_id = name.removesuffix(".toml")
    if data.id not in muscles:
        bad("id", f'unknown muscle id "{data.id}" (not in muscles.csv)')
    elif data.id != expected_id:
        bad("id", f'"{data.id}" does not match the file name "{name}"')
    elif data.group != muscles[data.id].group:
        bad("group", f'"{data.group}" differs from muscles.csv ("{muscles[data.id].group}")')
    for field in ("name", "description"):
        if not getattr(data, field).strip():
            bad(field, "must not be empty")

    if not data.sources:
        bad("sources", "a muscle needs at least one source")
    source_keys = [s.key for s in data.sources]
    for i, s in enumerate(data.sources):
        if source_keys.count(s.key) > 1:
            bad(f"sources[{i}].key", f'duplicate source key "{s.key}"')
        if not s.citation.strip():
            bad(f"sources[{i}].citation", "must not be empty")
        if s.doi is not None and not s.doi.startswith("10."):
            bad(f"sources[{i}].doi", f'"{s.doi}" is not a DOI (it starts with "10.")')

    if not data.trigger_points:
        bad("trigger_points", "a muscle needs at least one trigger point")
    trigger_points: list[TriggerPoint] = []
    slugs: set[str] = set()
    for i, tp in enumerate(data.trigger_points):
        here = f"trigger_points[{i}]"
        if tp.id in slugs:
            bad(f"{here}.id", f'duplicate trigger point id "{tp.id}"')
        slugs.add(tp.id)
        if tp.region not in regions:
            bad(f"{here}.region", f'unknown region code "{tp.region}"')
        if not tp.essential:
            bad(f"{here}.essential", "a trigger point needs at least one essential zone")
        zones: list[ReferralZone] = []
        seen: set[str] = set()
        for key, entries in (("essential", tp.essential), ("spillover", tp.spillover)):
            for j, entry in enumerate(entries):
                laterality, code = _zone(entry)
                if laterality.startswith("?"):
                    bad(f"{here}.{key}[{j}]", f'unknown prefix "{laterality[1:]}:" (use both: or opposite:)')
                    continue
                if code not in regions:
                    bad(f"{here}.{key}[{j}]", f'unknown region code "{code}"')
                    continue
                if code in seen:
                    bad(f"{here}.{key}[{j}]", f'region "{code}" is listed twice')
                    continue
                seen.add(code)
                zones.append(
                    ReferralZone(region=code, essential=key == "essential", laterality=laterality)  # type: ignore[arg-type]
                )
        trigger_points.append(
            TriggerPoint(
                id=f"{data.id}.{tp.id}",
                slug=tp.id,
                name=tp.name or tp.location.split(",")[0],
                location=tp.location,
                region=tp.region,
                zones=tuple(zones),
                note=tp.note,
            )
        )

    for i, t in enumerate(data.techniques):
        if t.code not in techniques:
            bad(f"techniques[{i}].code", f'unknown technique "{t.code}" (not in techniques.csv)')
        elif techniques[t.code].setting == "home":
            bad(f"techniques[{i}].code", f'"{t.code}" is a home technique: list it under self_care')
        if t.level != "suitable" and not t.note.strip():
            bad(f"techniques[{i}].note", f'a technique marked "{t.level}" needs a note saying why')
    for i, c in enumerate(data.self_care):
        if c.technique not in techniques:
            bad(f"self_care[{i}].technique", f'unknown technique "{c.technique}" (not in techniques.csv)')
        elif techniques[c.technique].setting == "clinic":
            bad(f"self_care[{i}].technique", f'"{c.technique}" is a clinic technique: list it under techniques')
        if c.level != "suitable" and not (c.caution or "").strip():
            bad(f"self_care[{i}].caution", f'self-care marked "{c.level}" needs a caution saying why')
        if c.level != "avoid" and not (c.dose or "").strip():
            bad(f"self_care[{i}].dose", "say how much and how often")
    for i, e in enumerate(data.evidence):
        if not e.sources:
            bad(f"evidence[{i}].sources", "every evidence statement needs a source")
        for j, key in enumerate(e.sources):
            if key not in source_keys:
                bad(f"evidence[{i}].sources[{j}]", f'"{key}" is not a key of this file\'s sources')

    if problems:
        return None, problems
    return (
        Muscle(
            id=data.id,
            name=data.name,
            group=data.group,
            synonyms=tuple(data.synonyms),
            description=data.description.strip(),
            trigger_points=tuple(trigger_points),
            mimics=tuple(data.mimics),
            perpetuating_factors=tuple(data.perpetuating_factors),
            aggravating_activities=tuple(data.aggravating_activities),
            techniques=tuple(data.techniques),
            self_care=tuple(data.self_care),
            evidence=tuple(data.evidence),
            sources=tuple(data.sources),
            review=data.review,
        ),
        [],
    )


def load_files(paths: Iterable[Path], *, require_all: bool = True) -> Atlas:
    """Load the given muscle files; with ``require_all``, every muscle of muscles.csv must be there."""
    muscles: dict[str, Muscle] = {}
    problems: list[str] = []
    for path in sorted(paths):
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            problems.append(f"{path.name}: not UTF-8 text")
            continue
        muscle, found = parse_muscle(path.name, text)
        problems += found
        if muscle is not None:
            muscles[muscle.id] = muscle
    if require_all and not problems:
        missing = [m for m in vocab.muscles() if m not in muscles]
        if missing:
            problems.append(f"atlas: no file for {len(missing)} muscle(s): {', '.join(missing)}")
    if problems:
        raise AtlasError(problems)
    order = list(vocab.muscles())
    return Atlas(muscles=dict(sorted(muscles.items(), key=lambda kv: order.index(kv[0]))))


def load_dir(directory: Path, *, require_all: bool = True) -> Atlas:
    return load_files(directory.glob("*.toml"), require_all=require_all)


@cache
def load_atlas() -> Atlas:
    """The packaged atlas, loaded and validated once per process."""
    return load_dir(default_dir())
