"""Speed of planning: a plan and each of its outputs, in-process on one core.

Usage: python bench/plan_speed.py

Medians over the public cases (those not referred first), severe so that the schedule is the
longest: make_plan (from an assessment), plan_document + json.dumps, plan_ics, handout_html,
handout_pdf (WeasyPrint). The cold start of `knotwork plan one.json --json` as a fresh process
is timed too (median of 15 runs).
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from knotwork.assess import assess, from_data
from knotwork.plan import handout_html, handout_pdf, make_plan, plan_document, plan_ics

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT.parent / "shared" / "bench" / "cases-public.jsonl"
START = date(2025, 3, 24)


def timed(fn: Callable[[], Any], runs: int) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000


def main() -> None:
    presentations = [json.loads(line)["presentation"] for line in CASES.read_text().splitlines() if line.strip()]
    assessments = [a for a in (assess(from_data(p)) for p in presentations) if a.screen.urgency in ("none", "routine")]

    def plan_all() -> list[Any]:
        return [make_plan(a, start=START, severity="severe", severity_reason="bench") for a in assessments]

    plans = plan_all()
    rows = [
        ("make_plan", plan_all, len(assessments)),
        ("plan_document + JSON", lambda: [json.dumps(plan_document(p)) for p in plans], len(plans)),
        ("plan_ics", lambda: [plan_ics(p) for p in plans], len(plans)),
        ("handout_html", lambda: [handout_html(p) for p in plans], len(plans)),
    ]  # fmt: skip
    print(f"{len(assessments)} cases, severe (17 sessions each)")
    for name, fn, n in rows:
        print(f"{name:24} {timed(fn, 5) / n:8.2f} ms per plan")
    pdf_ms = timed(lambda: handout_pdf(plans[0]), 5)
    print(f"{'handout_pdf':24} {pdf_ms:8.2f} ms per plan")
    with tempfile.TemporaryDirectory() as tmp:
        case = Path(tmp) / "case.json"
        case.write_text(json.dumps(presentations[1]))
        cmd = [sys.executable, "-m", "knotwork", "plan", str(case), "--json", "--start", START.isoformat()]
        subprocess.run(cmd, capture_output=True, check=True)  # warm the compiled-atlas cache
        cold = timed(lambda: subprocess.run(cmd, capture_output=True, check=True), 15)
    print(f"{'knotwork plan --json':24} {cold:8.2f} ms (fresh process)")


if __name__ == "__main__":
    main()
