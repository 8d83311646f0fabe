"""Accuracy of the assessment on labelled cases, beside the plain lookup-table baseline.

Usage: python bench/accuracy.py [CASES.jsonl ...]   (default: the public cases and the sets already run)

Scored with the shared rules (../shared/bench/score.py): top-k hit rate of the first answer
muscle, mean reciprocal rank, sensitivity of the safety screen for urgent and any referral,
specificity, precaution recall. The baseline ranks muscles by how many painful region-sides
fall in any of their trigger points' essential or spillover zones (ties by name), with no
safety screen: what a lookup table gives.
"""

from __future__ import annotations

import csv
import importlib.util
import json
import sys
from pathlib import Path
from typing import Any

from knotwork import vocab
from knotwork.assess import assess, document, from_data
from knotwork.atlas.load import load_atlas

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


def baseline(presentation: dict[str, Any]) -> dict[str, Any]:
    """The plain lookup table: muscles ranked by how many painful region-sides fall in any of
    their trigger points' essential or spillover zones (on the side that explains most), ties
    by name, with no safety screen."""
    regions = vocab.regions()
    wanted: set[tuple[str, str]] = set()
    for p in presentation["pain"]:
        for side in ("right", "left") if p["side"] == "bilateral" else (p["side"],):
            wanted.add((p["region"], side))
    ranked = []
    for m in load_atlas().muscles.values():
        best = (0, "right")
        for side in ("right", "left"):
            zones = {
                (z.region, s)
                for tp in m.trigger_points
                for z in tp.zones
                for s in z.sides_for(side, sided=regions[z.region].sided)
            }
            best = max(best, (len(wanted & zones), side), key=lambda t: t[0])
        if best[0]:
            ranked.append((best[0], m.name, m.id, best[1]))
    ranked.sort(key=lambda t: (-t[0], t[1]))
    return {
        "id": presentation.get("id"),
        "referral": {"urgency": "none", "reasons": []},
        "precautions": [],
        "candidates": [{"muscle": mid, "side": side, "score": 0} for _, _, mid, side in ranked],
    }


KEYS = [
    "top1",
    "top3",
    "top5",
    "top10",
    "mrr",
    "urgent_sens",
    "referral_sens",
    "structured_sens",
    "specificity",
    "precaution_recall",
]


def report(cases_path: Path, scorer: Any, red_flags: set[str]) -> None:
    cases = [json.loads(line) for line in cases_path.open() if line.strip()]
    ours = [document(assess(from_data(c["presentation"]))) for c in cases]
    base = [baseline(c["presentation"]) for c in cases]
    results = {"knotwork": scorer.score(json.loads(json.dumps(cases)), ours, red_flags)}
    results["baseline"] = scorer.score(json.loads(json.dumps(cases)), base, red_flags)
    print(f"{len(cases)} cases ({results['knotwork']['n_ranked']} with answer muscles) from {cases_path.name}")
    print(f"{'metric':20} {'knotwork':>9} {'baseline':>9}")
    for k in KEYS:
        row = [results[n][k] for n in ("knotwork", "baseline")]
        print(f"{k:20} " + " ".join(f"{v:9.3f}" if isinstance(v, float) else f"{v!s:>9}" for v in row))
    print("misses (rank > 3):", results["knotwork"]["misses"])
    print("screen errors:", results["knotwork"]["screen_errors"])


def main() -> None:
    """Score the given case files; by default the public cases and Knotwork's sets that have been
    run (a new held-out set is left out until it has been run once, unseen, on purpose)."""
    if any(a.startswith("-") for a in sys.argv[1:]):
        sys.exit(__doc__)
    paths = [Path(a) for a in sys.argv[1:]] or [
        p
        for p in (
            SHARED / "bench" / "cases-public.jsonl",
            ROOT / "bench" / "cases-literature.jsonl",
            ROOT / "bench" / "cases-holdout.jsonl",
            ROOT / "bench" / "cases-holdout2.jsonl",
            ROOT / "bench" / "cases-holdout3.jsonl",
            ROOT / "bench" / "cases-holdout4.jsonl",
            ROOT / "bench" / "cases-holdout5.jsonl",
            ROOT / "bench" / "cases-holdout6.jsonl",
            ROOT / "bench" / "cases-holdout7.jsonl",
            ROOT / "bench" / "cases-holdout8.jsonl",
            ROOT / "bench" / "cases-holdout9.jsonl",
            ROOT / "bench" / "cases-holdout10.jsonl",
        )
        if p.exists()
    ]
    spec = importlib.util.spec_from_file_location("score", SHARED / "bench" / "score.py")
    if spec is None or spec.loader is None:
        sys.exit(f"needs {SHARED / 'bench' / 'score.py'} beside the repository")
    scorer = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(scorer)
    with open(SHARED / "spec" / "screening.csv", encoding="utf-8") as f:
        red_flags = {r["code"] for r in csv.DictReader(f) if r["kind"] == "red-flag"}
    for i, path in enumerate(paths):
        if i:
            print()
        report(path, scorer, red_flags)


if __name__ == "__main__":
    main()
