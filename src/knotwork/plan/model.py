"""What a plan is made of: targets, sessions, reviews, the home programme and the therapist's choices.

Plain frozen dataclasses: the web app maps them to and from its models at the edge.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from knotwork.assess import Assessment

Action = Literal["add", "remove"]


class PlanError(ValueError):
    """The plan's inputs are invalid; ``problems`` lists each as "field: message"."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


@dataclass(frozen=True, slots=True)
class Override:
    """A therapist's change to the techniques of the sessions, with the reason.

    ``muscle`` None means every target muscle. Adding a technique that the safety screen (or the
    atlas, for this muscle) says to avoid also needs ``overrule_precaution=True``.
    """

    action: Action
    technique: str
    reason: str
    muscle: str | None = None
    overrule_precaution: bool = False


@dataclass(frozen=True, slots=True)
class Outcome:
    """Pain logged on a day: at a session or in a daily diary (0-10 numeric rating scale)."""

    date: date
    pain: float
    note: str = ""


@dataclass(frozen=True, slots=True)
class Target:
    muscle: str
    name: str
    side: str  # right, left or bilateral
    score: float | None  # the assessment's score, None when the therapist added a muscle it did not rank
    chosen_by: Literal["assessment", "therapist"]


@dataclass(frozen=True, slots=True)
class SessionTechnique:
    muscle: str
    technique: str
    name: str
    level: Literal["suitable", "caution", "avoid"]
    notes: tuple[str, ...]
    added_by_therapist: bool = False
    overruled: str | None = None  # the precaution a therapist overruled, in words


@dataclass(frozen=True, slots=True)
class LeftOut:
    """A technique or home exercise not in the plan, and why."""

    muscle: str | None
    technique: str
    title: str
    reason: str
    by: Literal["precaution", "atlas", "therapist", "clinic"]


@dataclass(frozen=True, slots=True)
class Treatment:
    """What is done for one target muscle in every session."""

    target: Target
    techniques: tuple[SessionTechnique, ...]
    left_out: tuple[LeftOut, ...]


@dataclass(frozen=True, slots=True)
class Session:
    number: int
    date: date
    start: datetime  # aware, in the plan's time zone
    end: datetime
    step: str
    focus: tuple[str, ...]  # muscle ids
    review: int | None  # the review held after this session, if any
    provisional: bool  # depends on a review not yet done (or on a re-assessment)
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Review:
    number: int
    after_session: int
    date: date
    step: str  # the frequency reviewed
    next_step: str | None  # the frequency after it (None: the course ends)
    status: Literal["done", "due"]
    verdict: Literal["improved", "resolved", "no-change", "worse", "pending"]
    action: Literal["step-down", "maintenance", "reassess", "refer", "expected-step-down"]
    message: str
    readings: tuple[Outcome, ...] = ()
    baseline: float | None = None
    reference: float | None = None
    current: float | None = None
    change_points: float | None = None
    change_percent: float | None = None
    rule: str = "improvement"


@dataclass(frozen=True, slots=True)
class HomeExercise:
    muscle: str | None  # None for the general entries
    muscle_name: str
    side: str
    technique: str
    title: str
    instructions: str
    dose: str
    cautions: tuple[str, ...]
    modified: bool  # a precaution changed how to do it
    sources: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SeverityChoice:
    severity: str
    derived: str
    worst_pain: float | None
    basis: str  # in words
    override_reason: str | None


@dataclass(frozen=True, slots=True)
class Plan:
    assessment: Assessment
    status: Literal["active", "refer-first"]
    urgency: str
    referral_note: str | None
    severity: SeverityChoice
    start: date
    time: time
    timezone: str
    session_minutes: int
    working_days: tuple[int, ...]
    closed: tuple[date, ...]
    bank_holidays: str | None
    targets: tuple[Target, ...]
    treatment: tuple[Treatment, ...]
    overrides: tuple[Override, ...]
    sessions: tuple[Session, ...]
    reviews: tuple[Review, ...]
    home_programme: tuple[HomeExercise, ...]
    home_left_out: tuple[LeftOut, ...]
    maintenance: str | None
    ended: Literal["maintenance", "refer", "open", "refer-first"]
    outcomes: tuple[Outcome, ...]
    notes: tuple[str, ...]
    rules_used: tuple[str, ...]
    key: str  # stable identity of this plan (presentation and start date), for calendar UIDs

    @property
    def presentation_id(self) -> str | None:
        return self.assessment.presentation.id
