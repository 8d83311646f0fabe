"""A muscle as readable text, for ``knotwork atlas show``."""

from __future__ import annotations

import textwrap

from knotwork import vocab
from knotwork.atlas.model import Muscle, ReferralZone

WIDTH = 88
STRENGTH_WORDS = {
    "high": "high-certainty evidence",
    "moderate": "moderate-certainty evidence",
    "low": "low-certainty evidence",
    "very-low": "very low-certainty evidence",
    "expert-opinion": "expert opinion",
}


def zone_label(zone: ReferralZone) -> str:
    name = vocab.regions()[zone.region].name.lower()
    if zone.laterality == "both":
        return f"{name} (both sides)"
    if zone.laterality == "opposite":
        return f"{name} (other side)"
    return name


def _para(text: str, indent: str = "  ") -> list[str]:
    return textwrap.wrap(text, WIDTH, initial_indent=indent, subsequent_indent=indent) or [indent]


def _bullets(items: tuple[str, ...] | list[str]) -> list[str]:
    lines: list[str] = []
    for item in items:
        lines += textwrap.wrap(item, WIDTH, initial_indent="  - ", subsequent_indent="    ")
    return lines


def muscle_text(m: Muscle) -> str:
    techniques = vocab.techniques()
    regions = vocab.regions()
    out = [m.name.upper(), f"  id: {m.id}   group: {m.group}"]
    if m.synonyms:
        out.append(f"  also called: {', '.join(m.synonyms)}")
    out += ["", *_para(m.description), ""]

    out.append(f"TRIGGER POINTS ({len(m.trigger_points)})")
    for i, tp in enumerate(m.trigger_points, start=1):
        out.append(f"  {i}. {tp.name}  [{tp.id}]  over: {regions[tp.region].name.lower()}")
        out += _para(tp.location, "     ")
        out += _para("Essential zone: " + ", ".join(zone_label(z) for z in tp.essential), "     ")
        if tp.spillover:
            out += _para("Spillover zone: " + ", ".join(zone_label(z) for z in tp.spillover), "     ")
        if tp.note:
            out += _para(tp.note, "     ")
    for title, items in (
        ("COMMONLY MIMICS", m.mimics),
        ("PERPETUATING FACTORS", m.perpetuating_factors),
        ("AGGRAVATING ACTIVITIES", m.aggravating_activities),
    ):
        if items:
            out += ["", title, *_bullets(items)]

    if m.techniques:
        out += ["", "IN THE CLINIC"]
        for t in m.techniques:
            flag = "" if t.level == "suitable" else f" [{t.level.upper()}]"
            out += textwrap.wrap(
                f"{techniques[t.code].name.split(' (')[0]}{flag}: {t.note}".rstrip(": "),
                WIDTH,
                initial_indent="  - ",
                subsequent_indent="    ",
            )
    if m.self_care:
        out += ["", "SELF-CARE AT HOME"]
        for c in m.self_care:
            flag = {"suitable": "", "caution": " [CAUTION]", "avoid": " [AVOID]"}[c.level]
            out.append(f"  - {c.title}{flag}")
            out += _para(c.instructions, "    ")
            if c.dose:
                out += _para(f"Dose: {c.dose}", "    ")
            if c.caution:
                out += _para(f"Caution: {c.caution}", "    ")
    if m.evidence:
        out += ["", "EVIDENCE"]
        for e in m.evidence:
            refs = ", ".join(e.sources)
            out += _bullets([f"{e.statement} ({STRENGTH_WORDS[e.strength]}; {refs})"])
    out += ["", "SOURCES"]
    for s in m.sources:
        extra = f" doi:{s.doi}" if s.doi else (f" {s.url}" if s.url else "")
        out += _bullets([f"[{s.key}] {s.citation}{extra}"])
    if m.review != "reviewed":
        out += ["", *_para("Status: draft - not yet reviewed by a clinician against its sources.", "")]
    return "\n".join(out)
