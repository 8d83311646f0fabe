"""The planning rules as data: a table a clinician can read, and a clinic can change.

Every number the planner uses lives here, next to the reason for it and its sources (keys of
``sources.SOURCES`` or of the safety screen's sources). ``docs/plan.md`` explains each rule.
Most of it is expert opinion: no trial compares treatment schedules for trigger point therapy,
except Sherman et al. 2014 for massage in chronic neck pain. The plan says so, and a clinic
can pass its own :class:`Rules` to ``make_plan``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import time

SEVERITIES = ("mild", "moderate", "severe")


@dataclass(frozen=True, slots=True)
class Rule:
    """One rule in words: what it says, why, how strong the support is, and where it comes from."""

    code: str
    says: str
    why: str
    evidence: str  # trial, consensus, expert-opinion or inference
    sources: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SeverityBand:
    """Worst pain on the 0-10 numeric rating scale up to ``up_to`` (inclusive), above the band before."""

    severity: str
    up_to: float


@dataclass(frozen=True, slots=True)
class Step:
    """A treatment frequency. Either ``per_week`` sessions on set weekdays, or one every ``interval_days``.

    ``block`` is the number of sessions at this frequency before the next review.
    """

    code: str
    label: str  # as the client reads it
    block: int
    per_week: int = 0
    interval_days: int = 0


@dataclass(frozen=True, slots=True)
class Measure:
    code: str
    name: str
    how: str
    important_change: str
    sources: tuple[str, ...]
    regions: frozenset[str] = frozenset()  # region groups that call for it; empty: always


STEPS: dict[str, Step] = {
    s.code: s
    for s in (
        Step("3-per-week", "3 sessions a week", block=6, per_week=3),
        Step("2-per-week", "2 sessions a week", block=4, per_week=2),
        Step("weekly", "1 session a week", block=4, interval_days=7),
        Step("fortnightly", "1 session every 2 weeks", block=3, interval_days=14),
        Step("3-weekly", "1 session every 3 weeks", block=2, interval_days=21),
    )
}

# The frequency ladder of each severity: the course starts on the first step and moves one step
# down at each review that shows a clinically important improvement; after the last step it ends
# with the maintenance suggestion.
COURSES: dict[str, tuple[str, ...]] = {
    "mild": ("fortnightly", "3-weekly"),
    "moderate": ("weekly", "fortnightly"),
    "severe": ("3-per-week", "2-per-week", "weekly", "fortnightly"),
}

# Read in order: the first band whose upper bound is not below the worst pain (3.5 is moderate).
SEVERITY_BANDS: tuple[SeverityBand, ...] = (
    SeverityBand("mild", 3),
    SeverityBand("moderate", 6),
    SeverityBand("severe", 10),
)

MEASURES: tuple[Measure, ...] = (
    Measure(
        "pain-nrs",
        "Pain intensity, numeric rating scale 0-10",
        "Worst pain over the last 24 hours, 0 = no pain, 10 = worst imaginable; at every session, or daily in a diary",
        "about 2 points or 30%",
        ("farrar-2001",),
    ),
    Measure(
        "psfs",
        "Patient-Specific Functional Scale",
        "3 to 5 activities the client finds hard, each scored 0 (unable) to 10 (as before the problem); the mean",
        "about 2 points (1.3 small, 2.3 medium, 2.7 large)",
        ("abbott-schmitt-2014",),
    ),
    Measure(
        "ndi",
        "Neck Disability Index",
        "10 questions about daily life with neck pain, 0-50",
        "about 5 points (studies range up to 19 percentage points)",
        ("cleland-2008", "abbott-schmitt-2014"),
        regions=frozenset({"neck", "head"}),
    ),
    Measure(
        "odi",
        "Oswestry Disability Index",
        "10 sections about daily life with back pain, 0-100%",
        "10 points or 30%",
        ("ostelo-2008",),
        regions=frozenset({"low-back", "pelvis"}),
    ),
    Measure(
        "hit-6",
        "Headache Impact Test (HIT-6)",
        "6 questions, 36-78",
        "about 8 points in chronic tension-type headache",
        ("castien-2012",),
        regions=frozenset({"head"}),
    ),
    Measure(
        "ppt",
        "Pressure pain threshold over the treated trigger points (if an algometer is available)",
        "The mean of 3 readings at the same marked spot, in kPa",
        "no agreed figure: compare with the client's own earlier readings",
        ("walton-2011", "ic-meta-2022"),
    ),
)

RULES: tuple[Rule, ...] = (
    Rule(
        "severity",
        "Severity comes from the worst pain intensity in the presentation: 0-3 mild, 4-6 moderate, 7-10 severe. "
        "With no intensity given the plan assumes moderate and says so. The therapist may override it with a "
        "reason, which the plan records.",
        "The numeric rating scale is the measure the adaptation rules use, so starting from it keeps one scale "
        "from start to finish. The cut points are the usual mild/moderate/severe bands of the 0-10 scale; the "
        "therapist knows more than one number and may override.",
        "consensus",
        ("farrar-2001", "knotwork-expert-opinion"),
    ),
    Rule(
        "frequency",
        "Mild: one session every 2-3 weeks. Moderate: weekly until a clinically important improvement, then "
        "fortnightly. Severe: 3 a week, then 2 a week, weekly and fortnightly, one step down at each review "
        "that shows improvement.",
        "Frequency rules are expert opinion; the one trial of dose (massage for chronic neck pain) found 60-minute "
        "sessions 2 or 3 times a week for 4 weeks better than a wait list, and 30-minute sessions not better at "
        "any frequency. Trials of pressure release used one to "
        "three sessions a week for about four weeks; myofascial release trials used 4-24 sessions over 2-20 "
        "weeks.",
        "expert-opinion",
        ("sherman-2014", "de-meulemeester-2017", "ic-meta-2022", "laimi-2018", "knotwork-expert-opinion"),
    ),
    Rule(
        "session-length",
        "Sessions last 60 minutes by default.",
        "In the dosing trial, 60-minute massage sessions helped chronic neck pain and 30-minute ones did not.",
        "trial",
        ("sherman-2014",),
    ),
    Rule(
        "working-days",
        "Sessions fall on the clinic's working days (Monday to Friday by default) at a fixed local time in "
        "Europe/London (10:00 by default), never on a bank holiday (England and Wales by default) or another "
        "closed day; several sessions a week are spread as evenly as the working days allow.",
        "A session is a date and a wall-clock time in the clinic's zone, so it stays at 10:00 across the clock "
        "changes; evenly spread sessions give the tissue time to settle between them.",
        "expert-opinion",
        ("knotwork-expert-opinion",),
    ),
    Rule(
        "dry-needling-spacing",
        "When dry needling is in the plan, sessions are at least 2 days (48 hours) apart.",
        "Soreness after needling is common and usually settles within 72 hours, and in one small trial the "
        "benefit of needling was larger 48 hours after a session than straight after it. Spacing needling "
        "sessions at least 48 hours apart is an inference from this, not a tested rule.",
        "inference",
        ("dn-48h-2016", "post-needling-soreness-2018"),
    ),
    Rule(
        "reviews",
        "A review after each block of sessions at one frequency: after the first 6 sessions (severe), 4 (moderate) "
        "or 3 (mild, about 4-6 weeks in). Measure pain 0-10, a function measure (PSFS; NDI for the neck, ODI for "
        "the low back, HIT-6 for headache) and the pressure pain threshold if an algometer is available.",
        "A first look after roughly 4-6 sessions or 4-6 weeks matches the length of the treatment periods in the "
        "trials; the measures are the ones with known minimal important changes.",
        "expert-opinion",
        ("abbott-schmitt-2014", "farrar-2001", "walton-2011", "knotwork-expert-opinion"),
    ),
    Rule(
        "improvement",
        "At a review, a fall in pain of at least 2 points or at least 30% since the last change of frequency is a "
        "clinically important improvement: the frequency steps down one step (or the course ends in maintenance "
        "after the last step). Pain of 1 or less ends the course in maintenance.",
        "In chronic pain, a fall of about 2 points or 30% on the 0-10 scale matches what patients call much "
        "improved (Farrar et al. 2001). The pain at a review is the mean of the readings of the 7 days up to it "
        "(or the latest reading since the last review), so one good or bad day does not decide.",
        "consensus",
        ("farrar-2001",),
    ),
    Rule(
        "no-improvement",
        "No clinically important change, or a rise of 2 points or 30%, at a review: re-assess at the next "
        "session (the findings, the muscles chosen, the home programme, what keeps the pain going, and the red "
        "flags again) and hold the frequency. Not improved at two reviews in a row: stop and refer (GP or "
        "specialist) rather than continue the same treatment.",
        "Carrying on with treatment that is not helping costs the client time and money and may delay a "
        "diagnosis; trigger points are a suggestion to be confirmed, not a diagnosis.",
        "expert-opinion",
        ("farrar-2001", "knotwork-expert-opinion"),
    ),
    Rule(
        "maintenance",
        "The course ends with a maintenance suggestion: keep up the home programme, and a check-up session every "
        "4-6 weeks or when the pain starts to return.",
        "Trigger point pain often recurs when what keeps it going (posture, overload, sleep, stress) continues; "
        "the home programme is the client's own tool. There are no trials of maintenance schedules.",
        "expert-opinion",
        ("knotwork-expert-opinion",),
    ),
    Rule(
        "refer-first",
        "No treatment is scheduled when the safety screen's urgency is emergency or urgent: the plan says refer "
        "first. With a routine referral the plan goes ahead alongside the medical review and says so.",
        "Red flags come before everything else; relief from trigger point treatment does not rule out a serious cause.",
        "consensus",
        ("ifompt-spine-2020", "nice-cg95", "nice-ng12"),
    ),
    Rule(
        "precautions",
        "A technique the safety screen marks avoid never appears in sessions or in the home programme; one marked "
        "caution appears with the reason. A therapist may add or remove techniques with a reason; adding one "
        "marked avoid needs an explicit overrule with a reason, and the plan shows both.",
        "The screen's rules are sourced in the assessment; the plan must not undo them silently.",
        "consensus",
        ("apta-dn-2013", "aacp-2012", "nccih-massage", "batavia-2004"),
    ),
    Rule(
        "targets",
        "The target muscles default to the assessment's smallest set of muscles that explains the whole drawing "
        "when one muscle cannot, otherwise the top candidate and any others scoring at least 75% of it and at "
        "least 0.4; at most 3. The therapist chooses after palpation.",
        "Treating a few muscles well is better than a long list; the ranking suggests where to look, and "
        "palpation (recognised pain) confirms it.",
        "expert-opinion",
        ("knotwork-expert-opinion",),
    ),
    Rule(
        "hydration-nutrition",
        "One general entry on drinking and eating: drink to thirst and eat regular, balanced meals. No claims "
        "about toxins, and none about magnesium beyond the evidence.",
        "There is no toxin for treatment to flush out (massage even slowed blood flow and lactate removal after "
        "exercise in one trial), and magnesium was no better than placebo for ordinary muscle cramps in a "
        "Cochrane review.",
        "trial",
        ("eatwell-2016", "wiltshire-2010", "garrison-2020"),
    ),
)

RULE_BY_CODE: dict[str, Rule] = {r.code: r for r in RULES}


@dataclass(frozen=True, slots=True)
class Rules:
    """The parameters of planning; pass a changed copy (``dataclasses.replace``) for a clinic's own rules."""

    severity_bands: tuple[SeverityBand, ...] = SEVERITY_BANDS
    default_severity: str = "moderate"
    steps: dict[str, Step] = field(default_factory=lambda: dict(STEPS))
    courses: dict[str, tuple[str, ...]] = field(default_factory=lambda: dict(COURSES))
    improvement_points: float = 2.0
    improvement_fraction: float = 0.30
    resolved_at: float = 1.0
    reading_window_days: int = 7
    refer_after: int = 2  # reviews in a row without improvement
    needling_gap_days: int = 2
    session_minutes: int = 60
    session_time: time = time(10, 0)
    timezone: str = "Europe/London"
    working_days: tuple[int, ...] = (0, 1, 2, 3, 4)  # Monday = 0
    bank_holidays: str | None = "england-and-wales"  # or scotland, northern-ireland; None: open on them
    max_targets: int = 3
    target_share: float = 0.75
    target_min_score: float = 0.4
    max_sessions: int = 40
    maintenance: str = (
        "Keep up the home programme. A check-up session every 4 to 6 weeks, or as soon as the pain starts to "
        "come back, is a reasonable way to keep on top of it."
    )


DEFAULT_RULES = Rules()
