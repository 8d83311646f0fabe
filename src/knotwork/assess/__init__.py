"""Assessment: from a presentation to the safety screen and a ranked, explained list of muscles.

``assess(presentation)`` returns an :class:`Assessment`; ``document(assessment)`` its JSON form,
the *assessment* document of ``spec/README.md`` (``referral``, ``precautions``, ``candidates``,
and the presentation's ``id``), extended with ``notes`` and ``combination`` (the smallest set of
muscles that explains the whole drawing, when one muscle cannot).
"""

from __future__ import annotations

import sys

from knotwork import compiled

# The compiled build of the hot modules, when one exists for these very sources (``compiled``).
COMPILED = compiled.activate(sys.modules[__name__])

from knotwork.assess.assessment import Assessment, assess, candidate_document, document  # noqa: E402 (after activate)
from knotwork.assess.presentation import Presentation, PresentationError, from_data, read  # noqa: E402

__all__ = [
    "Assessment",
    "Presentation",
    "PresentationError",
    "assess",
    "candidate_document",
    "document",
    "from_data",
    "read",
]
