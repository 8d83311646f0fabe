"""Run the real `knotwork` command in a fresh interpreter, as a user would."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def knotwork(*args: str, stdin: str | None = None, tmp: Path | None = None) -> subprocess.CompletedProcess[str]:
    """``tmp`` gives the run its own compiled-atlas cache (``KNOTWORK_CACHE``) under that folder."""
    env = None if tmp is None else {**os.environ, "KNOTWORK_CACHE": str(tmp / "cache")}
    return subprocess.run(
        [sys.executable, "-m", "knotwork", *args],
        capture_output=True,
        text=True,
        input=stdin,
        check=False,
        timeout=120,
        env=env,
    )
