"""Assess every bench case and random presentations in a fresh interpreter, and return the
documents: for comparing runs (compiled or plain core, one hash seed or another)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Every bench case and random presentations (drawings, intensities, histories, ages, answers,
# aggravating activities), assessed and printed; the first line says which core ran.
SCRIPT = r"""
import json, random, sys
from pathlib import Path
from knotwork import vocab
import knotwork.assess as a
from knotwork.assess import assess, document, from_data
print(json.dumps({"compiled": a.COMPILED}))
root = Path(sys.argv[1])
files = [root.parent / "shared" / "bench" / "cases-public.jsonl", *sorted((root / "bench").glob("cases-*.jsonl"))]
histories = []
for path in files:
    for line in path.read_text().splitlines():
        if line.strip():
            p = json.loads(line)["presentation"]
            print(json.dumps(document(assess(from_data(p)))))
            if p.get("history"):
                histories.append(p["history"])
rnd = random.Random(5)
regions = sorted(vocab.regions().values(), key=lambda r: r.code)
codes = sorted(vocab.screening_questions())
for _ in range(1500):
    pain = []
    for r in rnd.sample(regions, rnd.randint(1, 6)):
        d = {"region": r.code, "side": rnd.choice(["left", "right", "bilateral"]) if r.sided else "midline"}
        if rnd.random() < 0.4:
            d["intensity"] = rnd.randint(0, 10)
        pain.append(d)
    d = {"pain": pain}
    if rnd.random() < 0.7:
        d["history"] = rnd.choice(histories)
    if rnd.random() < 0.7:
        d["age"] = rnd.randint(10, 95)
    if rnd.random() < 0.5:
        d["screening"] = {c: rnd.random() < 0.6 for c in rnd.sample(codes, 3)}
    if rnd.random() < 0.3:
        d["aggravating"] = rnd.sample(["running", "walking for 5 minutes", "lifting", "sitting", "stairs"], 2)
    print(json.dumps(document(assess(from_data(d)))))
"""


def assessments(**env: str | None) -> list[str]:
    """The first line says which core ran, then one JSON document per presentation. ``env``
    changes the child's environment (``None`` removes a variable)."""
    child = dict(os.environ)
    for key, value in env.items():
        if value is None:
            child.pop(key, None)
        else:
            child[key] = value
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(ROOT)], capture_output=True, text=True, check=True, env=child
    )
    return done.stdout.splitlines()
