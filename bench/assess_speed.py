"""Speed of the assessment: batch throughput on one core, and the cold start of one case.

Usage: python bench/assess_speed.py [CASES.jsonl ...]

* throughput: presentations per second through the batch path (with the compiled core when it
  is built for these sources, ``knotwork.compiled``, and again in plain Python) of ``knotwork assess
  FILE.jsonl --json`` (``knotwork.assess.batch.answer``: read, screen, rank, encode, write and
  flush each line, here to /dev/null), in-process on one core, over every bench case (public,
  literature and holdout sets: 93 presentations) repeated;
* cold start: wall time of `knotwork assess one.json` (a fresh process, warm compiled-atlas
  cache, as every run after the first) against `python -c pass` started the same way, medians
  of 30 runs each.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from knotwork.assess import COMPILED, assess, read
from knotwork.assess.batch import answer

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CASES = [
    ROOT.parent / "shared" / "bench" / "cases-public.jsonl",
    ROOT / "bench" / "cases-literature.jsonl",
    ROOT / "bench" / "cases-holdout.jsonl",
]


def throughput(lines: list[str], rounds: int = 20) -> float:
    assess(read(lines[0]))  # compile or load the engine outside the timing
    batch = lines * rounds
    with open(os.devnull, "wb") as out, open(os.devnull, "w") as err:
        start = time.perf_counter()
        if answer(batch, out, err) != 0:
            sys.exit("a bench case broke the contract")
        elapsed = time.perf_counter() - start
    return len(batch) / elapsed


# As an installed program runs: with its bytecode cache (PYTHONDONTWRITEBYTECODE, set in some
# shells and CI images, would make every start compile the modules again).
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def median_ms(cmd: list[str], runs: int = 30) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, env=ENV)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> None:
    args = sys.argv[1:]
    plain_only = args[:1] == ["--plain-throughput"]
    paths = [Path(a) for a in args[plain_only:]] or DEFAULT_CASES
    cases = [json.loads(line) for path in paths for line in path.open() if line.strip()]
    lines = [json.dumps(c.get("presentation", c)) for c in cases]
    if plain_only:
        print(throughput(lines))
        return
    rate = throughput(lines)
    # The same batch through the plain Python modules, in a fresh process (knotwork.compiled).
    plain = subprocess.run(
        [sys.executable, __file__, "--plain-throughput", *map(str, paths)],
        capture_output=True,
        text=True,
        check=True,
        env={**ENV, "KNOTWORK_PURE_PYTHON": "1"},
    ).stdout.strip()
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        f.write(lines[0])
    knotwork = [sys.executable, "-m", "knotwork", "assess", f.name, "--json"]
    subprocess.run(knotwork, stdout=subprocess.DEVNULL, check=True, env=ENV)  # warm the atlas and bytecode caches
    bare = median_ms([sys.executable, "-c", "pass"])
    one = median_ms(knotwork)
    os.unlink(f.name)
    core = "compiled core" if COMPILED else "plain Python (no compiled build for these sources: make compiled)"
    print(f"throughput (batch path, one core, {core}): {rate:,.0f} presentations/s over {len(lines)} cases x 20")
    print(f"throughput (batch path, one core, plain Python): {float(plain):,.0f} presentations/s")
    print(f"cold start: knotwork assess one.json {one:.1f} ms, python -c pass {bare:.1f} ms, ratio {one / bare:.1f}x")


if __name__ == "__main__":
    main()
