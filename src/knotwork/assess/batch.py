"""Batches: a JSON Lines stream of presentations in, one answer line out per line in, in order.

The path of ``knotwork assess FILE.jsonl`` and of ``bench/assess_speed.py``. Each answer is
written and flushed as soon as it is ready (a pipe sees it at once). Assessment documents are
encoded with msgspec, several times faster than the standard library's json for these
documents (the one-case path keeps the standard library, for a quick start).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import BinaryIO, TextIO

import msgspec

from knotwork.assess import PresentationError, assess, document, from_data, read
from knotwork.assess.presentation import Presentation

_json = msgspec.json.Decoder()


def decode(line: str) -> Presentation:
    """``read(line)``, parsing the JSON with msgspec (several times faster than the standard
    library here); text that is not valid JSON goes to ``read`` for its usual error message."""
    try:
        data = _json.decode(line)
    except msgspec.DecodeError:
        return read(line)
    return from_data(data)


def answer(lines: Iterable[str], out: BinaryIO, err: TextIO, *, as_json: bool = True) -> int:
    """Assess every non-blank line; return 1 if any line broke the contract, else 0.

    A broken line gets ``{"error": {"line": N, "problems": [...]}}`` in JSON mode (so that the
    answers stay aligned with the input) and its problems on ``err`` in both modes.
    """
    encode = msgspec.json.Encoder().encode
    failures = 0
    if not as_json:
        from knotwork.assess.report import report
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            a = assess(decode(line))
        except PresentationError as exc:
            failures += 1
            if as_json:
                out.write(encode({"error": {"line": number, "problems": exc.problems}}) + b"\n")
                out.flush()
            for p in exc.problems:
                print(f"line {number}: {p}", file=err)
            continue
        if as_json:
            out.write(encode(document(a)) + b"\n")
        else:
            out.write((report(a) + "\n\n").encode())
        out.flush()
    return 1 if failures else 0
