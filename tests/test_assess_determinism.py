"""The assessment is the same in every process: nothing may depend on Python's hash seed (the
order in which a set of strings is iterated), which changes from one process to the next."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Every bench case, and random drawings with the histories of the literature set and several
# screening answers at once (so that precautions combine), assessed and printed as JSON.
SCRIPT = r"""
import json, random, sys
from pathlib import Path
from knotwork import vocab
from knotwork.assess import assess, document, from_data
root = Path(sys.argv[1])
files = sorted((root / "bench").glob("cases-*.jsonl"))
histories = []
for path in files:
    for line in path.read_text().splitlines():
        if line.strip():
            p = json.loads(line)["presentation"]
            print(json.dumps(document(assess(from_data(p))), sort_keys=True))
            if p.get("history"):
                histories.append(p["history"])
rnd = random.Random(11)
regions = sorted(vocab.regions().values(), key=lambda r: r.code)
codes = sorted(vocab.screening_questions())
for _ in range(300):
    pain = [{"region": r.code, "side": rnd.choice(["left", "right", "bilateral"]) if r.sided else "midline",
             "intensity": rnd.randint(0, 10)} for r in rnd.sample(regions, rnd.randint(1, 5))]
    data = {"pain": pain, "history": rnd.choice(histories), "age": rnd.randint(15, 90),
            "screening": {c: True for c in rnd.sample(codes, 4)}}
    print(json.dumps(document(assess(from_data(data))), sort_keys=True))
"""


def run(seed: str) -> str:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(ROOT)], capture_output=True, text=True, check=True, env=env
    )
    return done.stdout


def test_the_same_assessments_under_different_hash_seeds() -> None:
    first = run("1")
    assert first.count("\n") > 300
    for seed in ("2", "3"):
        assert run(seed) == first, f"hash seed {seed} changed an assessment"
