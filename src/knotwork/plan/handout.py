"""The client's handout: one standalone HTML page with print styles, and the same page as a PDF.

Standalone: the CSS is inline and each muscle's referral close-up is inline SVG, so the file can
be emailed, opened offline or printed from any browser. The PDF is that HTML rendered by
WeasyPrint (HTML and SVG drawn faithfully, text kept as text), so the printout and the PDF never
disagree. Wording is for the client: plain, second person, British English, within the evidence.
"""

from __future__ import annotations

from datetime import date
from html import escape

from knotwork.plan.model import HomeExercise, Plan
from knotwork.plan.sources import citation

CSS = """
@page { size: A4; margin: 14mm 14mm 16mm;
  @bottom-right { content: "Page " counter(page) " of " counter(pages); font-size: 8pt; color: #555; } }
* { box-sizing: border-box; }
html { font-family: "DejaVu Sans", "Liberation Sans", Arial, Helvetica, sans-serif; font-size: 10.5pt;
  line-height: 1.4; color: #1d1d1b; }
body { margin: 0 auto; max-width: 190mm; padding: 8mm 6mm; }
h1 { font-size: 18pt; margin: 0 0 2mm; color: #7a1d12; }
h2 { font-size: 13.5pt; margin: 7mm 0 2mm; border-bottom: 1.5px solid #b42318; padding-bottom: 1mm; }
h3 { font-size: 12pt; margin: 0 0 2mm; }
h4 { font-size: 10.5pt; margin: 0; }
p { margin: 1.5mm 0; }
.meta { color: #555; font-size: 9.5pt; }
.box { border: 1.5px solid #b42318; border-radius: 2mm; padding: 3mm 4mm; margin: 3mm 0; background: #fff7f5; }
.box.refer { border-width: 3px; }
.box ul { margin: 1mm 0; padding-left: 5mm; }
table { border-collapse: collapse; width: 100%; font-size: 10pt; }
th, td { text-align: left; padding: 1.4mm 2mm; border-bottom: 1px solid #ddd; vertical-align: top; }
td:nth-child(2), td:nth-child(3) { white-space: nowrap; }
th { background: #f3ece8; }
tr.tentative td { color: #555; font-style: italic; }
.tag { display: inline-block; font-size: 8.5pt; padding: 0 1.5mm; border-radius: 1mm; background: #f3ece8;
  font-style: normal; color: #1d1d1b; }
.muscle { margin: 4mm 0; padding-top: 2mm; border-top: 1px solid #ddd; }
.muscle::after { content: ""; display: block; clear: both; }
.muscle figure { float: left; width: 48mm; margin: 0 5mm 2mm 0; }
.muscle figure svg { width: 48mm; height: auto; max-height: 70mm; display: block; }
.muscle figcaption { font-size: 8.5pt; color: #555; }
.muscle .care { margin-left: 53mm; }
h3, h4 { break-after: avoid; }
.exercise { margin: 0 0 3mm; break-inside: avoid; }
.dose { font-weight: bold; color: #7a1d12; }
.caution { margin: 1mm 0; padding: 1mm 2mm; border-left: 3px solid #d97706; background: #fffbeb; font-size: 9.5pt; }
.left-out { font-size: 9.5pt; color: #444; }
.diary td { height: 7mm; }
footer { margin-top: 8mm; font-size: 8pt; color: #555; }
footer ol { padding-left: 5mm; }
@media print { body { padding: 0; max-width: none; } a { color: inherit; text-decoration: none; } }
@media screen and (max-width: 600px) { .muscle figure { float: none; } .muscle .care { margin-left: 0; } }
"""

SAFETY = (
    "Exercises and self-pressure should feel strong but comfortable, never sharp. Ease off if an exercise "
    "leaves you sorer for more than a day, and tell your therapist.",
    "Call 999 or go to A&E straight away for chest pain or pressure (especially with breathlessness, sweating "
    "or feeling sick), a sudden severe headache, new weakness, numbness, difficulty speaking or seeing, "
    "numbness around your bottom or genitals, new trouble passing urine or controlling your bowels, or a "
    "swollen, warm, painful calf.",
    "See your GP if you feel unwell with a fever, lose weight without trying, or the pain keeps you awake at "
    "night and is not eased by changing position.",
    "Contact us if your pain gets clearly worse, or something new starts.",
)

SIDE_WORDS = {"right": "right side", "left": "left side", "bilateral": "both sides"}


def _day(d: date) -> str:
    return f"{d:%A} {d.day} {d:%B %Y}"


def _p(text: str, cls: str = "") -> str:
    return f"<p{f' class={chr(34)}{cls}{chr(34)}' if cls else ''}>{escape(text)}</p>"


def _exercise(h: HomeExercise) -> str:
    parts = [f'<div class="exercise"><h4>{escape(h.title)}</h4>']
    if h.dose:
        parts.append(_p(h.dose, "dose"))
    parts.append(_p(h.instructions))
    parts += [_p(c, "caution") for c in h.cautions]
    parts.append("</div>")
    return "".join(parts)


def handout_html(plan: Plan, *, clinic: str = "Knotwork") -> str:
    """The client's handout as one standalone HTML page (inline CSS and SVG)."""
    from knotwork.atlas.load import load_atlas
    from knotwork.bodymap.render import referral_svg

    atlas = load_atlas()
    p = plan.assessment.presentation
    out = [
        "<!DOCTYPE html>",
        '<html lang="en-GB"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(clinic)}: your treatment plan and home programme</title>",
        f'<meta name="author" content="{escape(clinic)}">',
        f"<style>{CSS}</style></head><body>",
        "<header>",
        "<h1>Your treatment plan and home programme</h1>",
        _p(
            f"{clinic} · plan starting {_day(plan.start)}" + (f" · reference {p.id}" if p.id else ""),
            "meta",
        ),
        "</header>",
    ]
    if plan.status == "refer-first":
        out.append('<section class="box refer"><h2>Please see a doctor first</h2>')
        out.append(
            _p(
                "Some of your answers need a doctor's attention before any treatment. "
                + (
                    "Call 999 or go to A&E now."
                    if plan.urgency == "emergency"
                    else "Please see your GP within the next few days and show them this page."
                )
            )
        )
        out.append("<ul>" + "".join(f"<li>{escape(r.message)}</li>" for r in plan.assessment.screen.reasons) + "</ul>")
        out.append(_p("We will plan your treatment with you once a doctor has seen you."))
        out.append("</section>")
        out.append(_footer(plan))
        out.append("</body></html>")
        return "\n".join(out)

    out.append('<section class="box"><h2>Please read first</h2><ul>')
    out += [f"<li>{escape(s)}</li>" for s in SAFETY]
    out.append("</ul>")
    if plan.urgency == "routine":
        out.append(_p("Please also see your GP before or alongside this treatment, and show them this plan:"))
        out.append("<ul>" + "".join(f"<li>{escape(r.message)}</li>" for r in plan.assessment.screen.reasons) + "</ul>")
    out.append("</section>")

    out.append("<section><h2>Your appointments</h2>")
    if plan.sessions:
        out.append("<table><thead><tr><th>#</th><th>Date</th><th>Time</th><th>Length</th><th></th></tr></thead><tbody>")
        for s in plan.sessions:
            tags = []
            if s.review is not None:
                tags.append('<span class="tag">progress review: bring your pain diary</span>')
            if s.provisional:
                tags.append('<span class="tag">to be confirmed</span>')
            out.append(
                f'<tr class="{"tentative" if s.provisional else "planned"}"><td>{s.number}</td>'
                f"<td>{escape(_day(s.date))}</td><td>{s.start:%H:%M}</td><td>{plan.session_minutes} min</td>"
                f"<td>{' '.join(tags)}</td></tr>"
            )
        out.append("</tbody></table>")
        out.append(
            _p(
                "Times are UK time. Appointments marked “to be confirmed” depend on how your pain changes: as it "
                "eases, sessions become less frequent.",
                "meta",
            )
        )
    if plan.maintenance:
        out.append(_p("After the last session: " + plan.maintenance))
    elif plan.ended == "refer":
        out.append(_p("Your therapist will talk to you about seeing your GP or a specialist."))
    out.append("</section>")

    out.append("<section><h2>Your home programme</h2>")
    out.append(
        _p(
            "Do these between sessions, on the side named. Each picture shows where that muscle can send pain: "
            "darker red where it usually hurts, lighter red where it sometimes does. The pain is often felt away "
            "from the muscle itself, so follow the instructions for where to press or stretch."
        )
    )
    by_muscle: dict[str, list[HomeExercise]] = {}
    general: list[HomeExercise] = []
    for h in plan.home_programme:
        if h.muscle is None:
            general.append(h)
        else:
            by_muscle.setdefault(h.muscle, []).append(h)
    for i, target in enumerate(plan.targets):
        muscle = atlas.muscle(target.muscle)
        svg = referral_svg(muscle, side=target.side, compact=True, id_prefix=f"ho{i}")
        out.append('<article class="muscle">')
        out.append(
            f"<figure>{svg}<figcaption>Where the {escape(muscle.name.lower())} can send pain</figcaption></figure>"
        )
        out.append(f'<div class="care"><h3>{escape(muscle.name)} ({SIDE_WORDS.get(target.side, target.side)})</h3>')
        out += [_exercise(h) for h in by_muscle.get(target.muscle, [])]
        missing = [lo for lo in plan.home_left_out if lo.muscle == target.muscle]
        if missing:
            out.append('<div class="left-out"><h4>Not for you at the moment</h4><ul>')
            out += [f"<li>{escape(lo.title)}: {escape(lo.reason)}</li>" for lo in missing]
            out.append("</ul></div>")
        out.append("</div></article>")
    for h in general:
        out.append(f'<article class="general"><h3>{escape(h.muscle_name)}</h3>{_exercise(h)}</article>')
    out.append("</section>")

    out.append('<section class="diary"><h2>Your pain diary</h2>')
    out.append(
        _p(
            "Each evening, write down your worst pain of the day from 0 (no pain) to 10 (the worst pain you can "
            "imagine). Your therapist uses it at the reviews to decide how often you need to come."
        )
    )
    out.append("<table><thead><tr><th>Date</th><th>Pain 0-10</th><th>Notes</th>"
               "<th>Date</th><th>Pain 0-10</th><th>Notes</th></tr></thead><tbody>")  # fmt: skip
    out += ["<tr><td></td><td></td><td></td><td></td><td></td><td></td></tr>"] * 10
    out.append("</tbody></table></section>")
    out.append(_footer(plan))
    out.append("</body></html>")
    return "\n".join(out)


def _footer(plan: Plan) -> str:
    keys = sorted({k for h in plan.home_programme for k in h.sources})
    refs = "".join(f"<li>{escape(citation(k))}</li>" for k in keys)
    return (
        "<footer>"
        + _p(
            "This plan was suggested by Knotwork and checked by your therapist. It is not a diagnosis: if "
            "something does not feel right, ask."
        )
        + (f"<p>Sources for the advice on drinking and eating:</p><ol>{refs}</ol>" if refs else "")
        + "</footer>"
    )


def handout_pdf(plan: Plan, *, clinic: str = "Knotwork") -> bytes:
    """The handout as PDF bytes, rendered from ``handout_html`` by WeasyPrint."""
    import weasyprint  # type: ignore[import-untyped]

    document = weasyprint.HTML(string=handout_html(plan, clinic=clinic))
    return bytes(document.write_pdf())
