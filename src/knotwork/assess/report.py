"""An assessment as a readable report: red flags first, then precautions, then the candidates."""

from __future__ import annotations

import textwrap

from knotwork import vocab
from knotwork.assess import Assessment

WIDTH = 96
URGENCY_TEXT = {
    "emergency": "EMERGENCY: medical care now (999 / A&E or same-day). Do not treat.",
    "urgent": "URGENT: see a doctor within days; no treatment until then.",
    "routine": "ROUTINE: see a doctor before or alongside therapy.",
    "none": "No red flags found in the answers given.",
}


def _wrap(text: str, first: str, rest: str) -> list[str]:
    return textwrap.wrap(text, WIDTH, initial_indent=first, subsequent_indent=rest, break_on_hyphens=False)


def report(a: Assessment) -> str:
    p = a.presentation
    out: list[str] = []
    title = "ASSESSMENT" + (f" {p.id}" if p.id else "")
    who = ", ".join(x for x in (f"{p.age} years" if p.age is not None else "", p.sex or "") if x)
    out.append(title + (f" ({who})" if who else ""))
    out.append("")
    out.append("1. SAFETY SCREEN")
    out += _wrap(URGENCY_TEXT[a.screen.urgency], "   ", "   ")
    for r in a.screen.reasons:
        out += _wrap(f"[{r.urgency}] {r.message}", "   - ", "     ")
    if not p.screening:
        out += _wrap("The screening questions were not answered: ask them before treating.", "   ! ", "     ")
    out.append("")
    out.append("2. PRECAUTIONS")
    if not a.screen.precautions:
        out.append("   None from the answers given.")
    names = vocab.techniques()
    for pc in a.screen.precautions:
        name = names[pc.technique].name.split(" (")[0]
        out += _wrap(f"{pc.level.upper():7} {name}: {pc.reason}", "   ", "           ")
    for n in a.screen.notes:
        out += _wrap(f"Note: {n.message}", "   ", "         ")
    out.append("")
    out.append("3. MUSCLES TO EXAMINE (suggestions, not a diagnosis; confirm by palpation)")
    if not a.candidates:
        out.append("   No pain was marked.")
    else:
        out.append(f"   {'#':>2}  {'muscle':32} {'side':9} {'score':>5}  why")
        for i, c in enumerate(a.candidates[:10], start=1):
            lines = textwrap.wrap(c.explanation, WIDTH - 57, break_on_hyphens=False) or [""]
            out.append(f"   {i:>2}  {c.muscle.name[:32]:32} {c.side:9} {c.score:5.2f}  {lines[0]}")
            out += [" " * 57 + line for line in lines[1:]]
    if a.combination:
        names_sides = ", ".join(f"{c.muscle.name} ({c.side})" for c in a.combination)
        out.append("")
        out += _wrap(f"No single muscle explains the whole drawing; together these do: {names_sides}.", "   ", "   ")
    return "\n".join(out)
