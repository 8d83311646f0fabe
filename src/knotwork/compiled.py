"""The assessment core compiled with mypyc, used only when it was built from these very sources.

The hot modules of ``knotwork.assess`` (``MODULES``) are plain, fully typed Python. ``make``
compiles them with mypyc (``python -m knotwork.compiled build``) into a directory outside the
source tree, named by a digest of their source text: ``<venv>/knotwork-compiled/<digest>/``.
When ``knotwork.assess`` is imported, ``activate`` looks for the directory of the *current*
sources' digest and, if it is there, puts it first on the package's search path, so that the
compiled modules are imported instead of the ``.py`` files. Editing a source changes the digest,
so a stale build is never used: the pure-Python modules run until ``make`` builds again. With no
build (no C compiler, or ``KNOTWORK_PURE_PYTHON=1``), everything runs as plain Python, with the
same answers (``tests/test_assess_compiled.py`` compares the two).

Why: the batch path answers about 4,100 presentations a second in pure Python and about 5,500
compiled (README, ``bench/assess_speed.py``); the issue asks for 5,000 on one core.
"""

from __future__ import annotations

import importlib.machinery
import os
import sys
import zlib
from types import ModuleType

PACKAGE = "knotwork.assess"
MODULES = ("presentation", "text", "rank", "safety", "assessment")
SOURCE_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "assess")
SUFFIX = importlib.machinery.EXTENSION_SUFFIXES[0]  # e.g. .cpython-312-x86_64-linux-gnu.so


def digest(source_dir: str = SOURCE_DIR) -> str:
    """A digest of the compiled modules' source text, and of the Python that compiles them."""
    crc, adler = 0, 1
    for name in MODULES:
        with open(os.path.join(source_dir, f"{name}.py"), "rb") as f:
            data = f.read()
        crc, adler = zlib.crc32(data, crc), zlib.adler32(data, adler)
    tag = sys.implementation.cache_tag.encode()  # e.g. cpython-312: an extension is tied to it
    return f"{zlib.crc32(tag, crc):08x}{adler:08x}"


def root() -> str:
    """Where builds live: ``KNOTWORK_COMPILED_DIR``, else ``<sys.prefix>/knotwork-compiled``."""
    return os.environ.get("KNOTWORK_COMPILED_DIR") or os.path.join(sys.prefix, "knotwork-compiled")


def build_dir(source_dir: str = SOURCE_DIR) -> str:
    return os.path.join(root(), digest(source_dir))


def _complete(path: str) -> bool:
    modules = os.path.join(path, "knotwork", "assess")
    return all(os.path.exists(os.path.join(modules, name + SUFFIX)) for name in MODULES)


def activate(package: ModuleType) -> bool:
    """Make ``package`` (``knotwork.assess``) import the compiled modules, if a build of the
    current sources exists; return whether it does. Called once, by the package itself."""
    if os.environ.get("KNOTWORK_PURE_PYTHON"):
        return False
    try:
        path = build_dir()
    except OSError:
        return False
    if not _complete(path):
        return False
    import importlib.util

    # mypyc puts the code shared by the modules in one top-level library (<hash>__mypyc); the
    # modules import it by name, so it is loaded from the build directory first.
    for name in sorted(os.listdir(path)):
        if name.endswith(SUFFIX) and "__mypyc" in name:
            module = name[: -len(SUFFIX)]
            if module not in sys.modules:
                spec = importlib.util.spec_from_file_location(module, os.path.join(path, name))
                if spec is None or spec.loader is None:
                    return False
                try:
                    library = importlib.util.module_from_spec(spec)
                    sys.modules[module] = library
                    spec.loader.exec_module(library)
                except (ImportError, OSError):  # a damaged build: plain Python, not a failure
                    sys.modules.pop(module, None)
                    return False
    package.__path__.insert(0, os.path.join(path, "knotwork", "assess"))
    return True


def is_compiled(module: ModuleType) -> bool:
    return (getattr(module, "__file__", None) or "").endswith(SUFFIX)


def build(*, quiet: bool = True) -> str:
    """Compile ``MODULES`` with mypyc into ``build_dir()`` (nothing to do if it is there); return
    the directory. Needs mypy, setuptools and a C compiler; raises ``RuntimeError`` without."""
    import shutil
    import subprocess
    import tempfile

    target = build_dir()
    if _complete(target):
        return target
    knotwork_dir = os.path.dirname(SOURCE_DIR)
    with tempfile.TemporaryDirectory(prefix="knotwork-mypyc-") as work:
        # A copy of the package, so that the build sees exactly the sources it is named after
        # and leaves nothing (build/, *.so, *.c) in the source tree.
        shutil.copytree(knotwork_dir, os.path.join(work, "knotwork"), ignore=shutil.ignore_patterns("__pycache__"))
        copied = os.path.join(work, "knotwork", "assess")
        if digest(copied) != os.path.basename(target):
            raise RuntimeError("the sources changed while they were being copied; build again")
        command = [sys.executable, "-m", "mypyc", *(os.path.join("knotwork", "assess", f"{m}.py") for m in MODULES)]
        done = subprocess.run(command, cwd=work, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"mypyc failed:\n{done.stdout[-3000:]}{done.stderr[-3000:]}")
        staging = os.path.join(work, "out")
        os.makedirs(os.path.join(staging, "knotwork", "assess"))
        for name in os.listdir(work):
            if name.endswith(SUFFIX):  # the shared library
                shutil.copy2(os.path.join(work, name), staging)
        for name in MODULES:
            shutil.copy2(os.path.join(copied, name + SUFFIX), os.path.join(staging, "knotwork", "assess"))
        os.makedirs(root(), exist_ok=True)
        # Into place in one rename, then the builds of older sources go.
        final = tempfile.mkdtemp(dir=root(), prefix=".incoming-")
        os.rmdir(final)
        shutil.copytree(staging, final)
        try:
            os.replace(final, target)
        except OSError:  # built meanwhile by another process
            shutil.rmtree(final, ignore_errors=True)
    for name in os.listdir(root()):
        old = os.path.join(root(), name)
        if old != target and os.path.isdir(old):
            shutil.rmtree(old, ignore_errors=True)
    if not quiet:
        print(f"compiled {', '.join(MODULES)} into {target}")
    return target


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args != ["build"]:
        print("usage: python -m knotwork.compiled build", file=sys.stderr)
        return 2
    try:
        build(quiet=False)
    except RuntimeError as exc:
        print(f"knotwork: the assessment core was not compiled and runs as plain Python: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
