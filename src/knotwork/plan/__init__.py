"""Treatment plans: severity, a schedule that tapers as pain falls, session techniques and a home programme.

``make_plan(presentation_or_assessment, start=...)`` returns a :class:`Plan`; ``plan_document``
its JSON form, ``plan_text`` a readable report, ``plan_ics`` the sessions as iCalendar,
``handout_html`` and ``handout_pdf`` the client's printable handout. No Django. The rules are
data (``rules.py``) with their reasons and sources; ``docs/plan.md`` explains them.
"""

from __future__ import annotations

from knotwork.plan.adapt import outcomes_from_data, read_outcomes
from knotwork.plan.build import make_plan
from knotwork.plan.document import plan_document
from knotwork.plan.handout import handout_html, handout_pdf
from knotwork.plan.ics import plan_ics
from knotwork.plan.model import Outcome, Override, Plan, PlanError
from knotwork.plan.rules import DEFAULT_RULES, Rules
from knotwork.plan.text import plan_text

__all__ = [
    "DEFAULT_RULES",
    "Outcome",
    "Override",
    "Plan",
    "PlanError",
    "Rules",
    "handout_html",
    "handout_pdf",
    "make_plan",
    "outcomes_from_data",
    "plan_document",
    "plan_ics",
    "plan_text",
    "read_outcomes",
]
