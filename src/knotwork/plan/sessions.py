"""What is done in the sessions: each target muscle's clinic techniques, filtered by the safety screen.

A technique the screen marks ``avoid`` never appears; one marked ``caution`` carries the screen's
reason next to the atlas's note. The atlas can also mark a technique avoid or caution for one
muscle (dry needling over the lung, say). Therapist overrides add or remove techniques with a
reason; adding one that is to be avoided needs ``overrule_precaution`` as well, and the plan then
shows the precaution and the reason side by side. Nothing is dropped without a record in
``left_out``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from knotwork import vocab
from knotwork.assess.safety import Precaution
from knotwork.atlas.model import Atlas, Level
from knotwork.plan.model import LeftOut, Override, PlanError, SessionTechnique, Target, Treatment

CLINIC_SETTINGS = ("clinic", "both")


def short_name(code: str) -> str:
    """ "Manual pressure release" rather than the contract's long form with its explanation."""
    return vocab.techniques()[code].name.split(" (")[0]


def check_overrides(overrides: Sequence[Override], targets: Sequence[Target]) -> list[str]:
    problems: list[str] = []
    techniques = vocab.techniques()
    target_ids = [t.muscle for t in targets]
    for i, o in enumerate(overrides):
        here = f"overrides[{i}]"
        if o.action not in ("add", "remove"):
            problems.append(f"{here}.action: {o.action!r} is not add or remove")
        if o.technique not in techniques:
            problems.append(f"{here}.technique: unknown technique code {o.technique!r}")
        elif techniques[o.technique].setting not in CLINIC_SETTINGS:
            problems.append(
                f"{here}.technique: {o.technique!r} is a home technique; sessions use clinic techniques"
                f" ({', '.join(c for c, t in techniques.items() if t.setting in CLINIC_SETTINGS)})"
            )
        if o.muscle is not None and o.muscle not in target_ids:
            problems.append(f"{here}.muscle: {o.muscle!r} is not one of the target muscles ({', '.join(target_ids)})")
        if not o.reason.strip():
            done = {"add": "added", "remove": "removed"}.get(o.action, "changed")
            problems.append(f"{here}.reason: required: say why the technique is {done}")
    return problems


def plan_treatment(
    targets: Sequence[Target],
    atlas: Atlas,
    precautions: Iterable[Precaution],
    overrides: Sequence[Override],
    offered: frozenset[str] | None = None,
) -> tuple[Treatment, ...]:
    """Each target's session techniques, or PlanError naming the override that cannot apply."""
    screen = {p.technique: p for p in precautions}
    problems: list[str] = []
    treatments = []
    for target in targets:
        muscle = atlas.muscle(target.muscle)
        kept: list[SessionTechnique] = []
        left_out: list[LeftOut] = []
        atlas_notes = {t.code: t for t in muscle.techniques}
        for tech in muscle.techniques:
            if vocab.techniques()[tech.code].setting not in CLINIC_SETTINGS:
                continue
            name = short_name(tech.code)
            precaution = screen.get(tech.code)
            if offered is not None and tech.code not in offered:
                left_out.append(LeftOut(target.muscle, tech.code, name, "Not offered by this clinic", "clinic"))
            elif precaution is not None and precaution.level == "avoid":
                left_out.append(LeftOut(target.muscle, tech.code, name, precaution.reason, "precaution"))
            elif tech.level == "avoid":
                left_out.append(LeftOut(target.muscle, tech.code, name, tech.note, "atlas"))
            else:
                notes = tuple(n for n in (precaution.reason if precaution else "", tech.note) if n)
                caution = tech.level == "caution" or precaution is not None
                kept.append(
                    SessionTechnique(target.muscle, tech.code, name, "caution" if caution else "suitable", notes)
                )
        for i, o in enumerate(overrides):
            if o.muscle not in (None, target.muscle):
                continue
            here = f"overrides[{i}]"
            name = short_name(o.technique)
            present = next((k for k in kept if k.technique == o.technique), None)
            if o.action == "remove":
                if present is None:
                    if o.muscle is not None:
                        problems.append(f"{here}: {name} is not in the sessions for {muscle.name}: nothing to remove")
                    continue
                kept.remove(present)
                left_out.append(LeftOut(target.muscle, o.technique, name, o.reason, "therapist"))
                continue
            if present is not None:
                if o.muscle is not None:
                    problems.append(f"{here}: {name} is already in the sessions for {muscle.name}")
                continue
            precaution = screen.get(o.technique)
            atlas_note = atlas_notes.get(o.technique)
            against = None
            if precaution is not None and precaution.level == "avoid":
                against = precaution.reason
            elif atlas_note is not None and atlas_note.level == "avoid":
                against = f"{muscle.name}: {atlas_note.note}"
            if against is not None and not o.overrule_precaution:
                problems.append(
                    f"{here}: {name} is to be avoided ({against}); to add it anyway, overrule the precaution "
                    "explicitly with a reason"
                )
                continue
            added_notes = [f"Added by the therapist: {o.reason}"]
            if precaution is not None and against is None:
                added_notes.append(precaution.reason)
            if atlas_note is not None and atlas_note.note and against is None:
                added_notes.append(atlas_note.note)
            left_out = [lo for lo in left_out if lo.technique != o.technique]
            level: Level = "suitable"
            if against is not None:
                level = "avoid"
            elif precaution is not None or (atlas_note is not None and atlas_note.level == "caution"):
                level = "caution"
            kept.append(
                SessionTechnique(
                    target.muscle,
                    o.technique,
                    name,
                    level,
                    tuple(added_notes),
                    added_by_therapist=True,
                    overruled=against,
                )
            )
        treatments.append(Treatment(target, tuple(kept), tuple(left_out)))
    # An override for all muscles that matched none of them is a mistake, not a no-op.
    for i, o in enumerate(overrides):
        if o.muscle is not None or problems:
            continue
        if o.action == "remove" and not any(
            lo.by == "therapist" and lo.technique == o.technique for t in treatments for lo in t.left_out
        ):
            problems.append(f"overrides[{i}]: {short_name(o.technique)} is not in any session: nothing to remove")
        if o.action == "add" and not any(
            k.added_by_therapist and k.technique == o.technique for t in treatments for k in t.techniques
        ):
            problems.append(f"overrides[{i}]: {short_name(o.technique)} is already in every session")
    if problems:
        raise PlanError(list(dict.fromkeys(problems)))
    return tuple(treatments)


def uses(treatments: Iterable[Treatment], technique: str) -> bool:
    return any(t.technique == technique for tr in treatments for t in tr.techniques)
