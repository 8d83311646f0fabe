"""The compiled assessment core (``knotwork.compiled``): in use when built from these sources,
never when built from others, and giving exactly the answers of the plain Python modules."""

from __future__ import annotations

import os
import shutil
import sys
import types
from pathlib import Path

import pytest

import knotwork.assess
from knotwork import compiled
from tests.assess_dump import assessments


def test_the_compiled_core_is_in_use() -> None:
    """``make test`` builds it first (``python -m knotwork.compiled build``)."""
    if os.environ.get("KNOTWORK_PURE_PYTHON"):
        assert not knotwork.assess.COMPILED
        return
    assert knotwork.assess.COMPILED, "no build for these sources: run `make compiled`"
    for name in compiled.MODULES:
        assert compiled.is_compiled(sys.modules[f"knotwork.assess.{name}"]), name


def test_compiled_and_plain_python_give_the_same_assessments() -> None:
    fast, plain = assessments(KNOTWORK_PURE_PYTHON=None), assessments(KNOTWORK_PURE_PYTHON="1")
    assert fast[0] == '{"compiled": true}' and plain[0] == '{"compiled": false}'
    assert len(fast) > 1500
    assert fast[1:] == plain[1:]


def copy_sources(tmp_path: Path) -> Path:
    target = tmp_path / "assess"
    target.mkdir()
    for name in compiled.MODULES:
        shutil.copy2(Path(compiled.SOURCE_DIR) / f"{name}.py", target / f"{name}.py")
    return target


def fake_build(root: Path, digest: str) -> Path:
    modules = root / digest / "knotwork" / "assess"
    modules.mkdir(parents=True)
    for name in compiled.MODULES:
        (modules / f"{name}{compiled.SUFFIX}").write_bytes(b"")
    return modules


def test_changing_one_byte_of_a_source_changes_the_digest(tmp_path: Path) -> None:
    sources = copy_sources(tmp_path)
    before = compiled.digest(str(sources))
    assert before == compiled.digest()
    path = sources / "safety.py"
    path.write_text(path.read_text() + "\n")
    assert compiled.digest(str(sources)) != before


def test_a_build_of_other_sources_is_never_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KNOTWORK_PURE_PYTHON", raising=False)
    monkeypatch.setenv("KNOTWORK_COMPILED_DIR", str(tmp_path))
    fake_build(tmp_path, "0123456789abcdef")  # built from other sources
    package = types.ModuleType("fake")
    package.__path__ = ["src"]
    assert not compiled.activate(package)
    assert package.__path__ == ["src"]
    # a build named after these sources is put first on the package's path
    modules = fake_build(tmp_path, compiled.digest())
    assert compiled.activate(package)
    assert package.__path__ == [str(modules), "src"]


def test_an_incomplete_build_or_knotwork_pure_python_means_plain_python(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KNOTWORK_COMPILED_DIR", str(tmp_path))
    modules = fake_build(tmp_path, compiled.digest())
    package = types.ModuleType("fake")
    package.__path__ = ["src"]
    monkeypatch.setenv("KNOTWORK_PURE_PYTHON", "1")
    assert not compiled.activate(package)
    monkeypatch.delenv("KNOTWORK_PURE_PYTHON")
    (modules / f"rank{compiled.SUFFIX}").unlink()
    assert not compiled.activate(package)
    assert package.__path__ == ["src"]


def test_the_build_command_says_how_to_use_it() -> None:
    assert compiled.main(["something"]) == 2


def test_a_damaged_build_means_plain_python_not_a_failure(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KNOTWORK_PURE_PYTHON", raising=False)
    monkeypatch.setenv("KNOTWORK_COMPILED_DIR", str(tmp_path))
    fake_build(tmp_path, compiled.digest())
    damaged = tmp_path / compiled.digest() / f"0000damaged__mypyc{compiled.SUFFIX}"
    damaged.write_bytes(b"not a shared library")
    package = types.ModuleType("fake")
    package.__path__ = ["src"]
    assert not compiled.activate(package)
    assert package.__path__ == ["src"]
    assert "0000damaged__mypyc" not in sys.modules
