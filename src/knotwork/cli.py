"""The ``knotwork`` command line.

argparse keeps start-up fast (Django is imported only by the commands that serve the web app).
Exit status: 0 success, 1 invalid data, 2 usage errors such as an unknown muscle.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterator, Sequence


class UsageError(Exception):
    """A mistake in the command's arguments; printed without a traceback, exit status 2."""


def _atlas(require_all: bool = True):  # type: ignore[no-untyped-def]
    from knotwork.atlas.load import load_atlas

    return load_atlas()


def _muscle(muscle_id: str):  # type: ignore[no-untyped-def]
    from knotwork.atlas.search import find_muscle

    atlas = _atlas()
    muscle = find_muscle(atlas, muscle_id)
    if muscle is None:
        raise UsageError(
            f'unknown muscle "{muscle_id}"; `knotwork atlas list` shows the {len(atlas.muscles)} muscle ids'
        )
    return muscle


def cmd_atlas_check(args: argparse.Namespace) -> int:
    from pathlib import Path

    from knotwork.atlas.load import AtlasError, default_dir, load_files

    paths: list[Path] = []
    for given in args.paths or [str(default_dir())]:
        p = Path(given)
        if p.is_dir():
            paths += sorted(p.glob("*.toml"))
        elif p.is_file():
            paths.append(p)
        else:
            raise UsageError(f"no such file or folder: {given}")
    try:
        atlas = load_files(paths, require_all=not args.paths)
    except AtlasError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(f"{len(exc.problems)} problem(s) found", file=sys.stderr)
        return 1
    tps = sum(len(m.trigger_points) for m in atlas.muscles.values())
    print(f"ok: {len(atlas.muscles)} muscles, {tps} trigger points")
    return 0


def cmd_atlas_list(args: argparse.Namespace) -> int:
    atlas = _atlas()
    for m in atlas.muscles.values():
        print(f"{m.id:34} {m.name:44} {len(m.trigger_points)} TrP  {m.group}")
    return 0


def cmd_atlas_show(args: argparse.Namespace) -> int:
    from knotwork.atlas.text import muscle_text

    print(muscle_text(_muscle(args.muscle)))
    return 0


def cmd_atlas_export(args: argparse.Namespace) -> int:
    from knotwork.atlas.export import atlas_document

    if not args.json:
        raise UsageError("choose a format: --json")
    json.dump(atlas_document(_atlas()), sys.stdout, ensure_ascii=False, indent=2 if args.indent else None)
    sys.stdout.write("\n")
    return 0


def cmd_atlas_svg(args: argparse.Namespace) -> int:
    from knotwork.bodymap.render import referral_svg

    muscle = _muscle(args.muscle)
    svg = referral_svg(muscle, side=args.side)
    if args.output == "-":
        sys.stdout.write(svg)
    else:
        with open(args.output, "w", encoding="utf-8") as f:
            f.write(svg)
        print(f"wrote {args.output}", file=sys.stderr)
    return 0


def _assessments(lines: Iterator[str], *, as_json: bool) -> int:
    """Answer a JSON Lines batch: one line out per line in, in order, streamed."""
    from knotwork.assess import PresentationError, assess, document, read
    from knotwork.assess.report import report

    failures = 0
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            a = assess(read(line))
        except PresentationError as exc:
            failures += 1
            problems = [f"line {number}: {p}" for p in exc.problems]
            if as_json:
                print(json.dumps({"error": {"line": number, "problems": exc.problems}}, ensure_ascii=False), flush=True)
            for p in problems:
                print(p, file=sys.stderr)
            continue
        if as_json:
            print(json.dumps(document(a), ensure_ascii=False), flush=True)
        else:
            print(report(a) + "\n", flush=True)
    return 1 if failures else 0


def cmd_assess(args: argparse.Namespace) -> int:
    from knotwork.assess import PresentationError, assess, document, read

    if args.file == "-":
        stream = sys.stdin
        batch = args.jsonl
    else:
        if not os.path.isfile(args.file):
            raise UsageError(f"no such file: {args.file}")
        stream = open(args.file, encoding="utf-8")  # noqa: SIM115 - closed by the with block below
        batch = args.jsonl or args.file.endswith(".jsonl")
    with stream:
        if batch:
            return _assessments(iter(stream), as_json=args.json)
        text = stream.read()
    try:
        a = assess(read(text))
    except PresentationError as exc:
        for p in exc.problems:
            print(f"{args.file}: {p}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(document(a), ensure_ascii=False, indent=2))
    else:
        from knotwork.assess.report import report

        print(report(a))
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from knotwork.web.server import serve

    return serve(host=args.host, port=args.port, workers=args.workers)


def cmd_demo(args: argparse.Namespace) -> int:
    from knotwork.web.server import demo

    return demo(port=args.port)


def cmd_manage(args: argparse.Namespace) -> int:
    from knotwork.web.server import manage

    return manage(args.args)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="knotwork", description="Trigger point therapy: atlas, assessment and clinic."
    )
    parser.add_argument("--version", action="version", version=f"knotwork {_version()}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    atlas = sub.add_parser("atlas", help="browse and export the trigger point atlas")
    asub = atlas.add_subparsers(dest="atlas_command", required=True, metavar="ATLAS_COMMAND")
    p = asub.add_parser("list", help="list the muscles")
    p.set_defaults(func=cmd_atlas_list)
    p = asub.add_parser("show", help="show one muscle as readable text")
    p.add_argument("muscle", metavar="MUSCLE", help="muscle id, name or synonym (e.g. trapezius-upper, SCM)")
    p.set_defaults(func=cmd_atlas_show)
    p = asub.add_parser("export", help="export the whole atlas")
    p.add_argument("--json", action="store_true", help="as JSON")
    p.add_argument("--indent", action="store_true", help="pretty-print")
    p.set_defaults(func=cmd_atlas_export)
    p = asub.add_parser("svg", help="draw a muscle's referral picture")
    p.add_argument("muscle", metavar="MUSCLE")
    p.add_argument("-o", "--output", required=True, metavar="FILE.svg", help="output file, or - for stdout")
    p.add_argument("--side", choices=["right", "left"], default="right", help="side of the trigger points")
    p.set_defaults(func=cmd_atlas_svg)
    p = asub.add_parser("check", help="validate atlas files (all of them by default)")
    p.add_argument("paths", nargs="*", metavar="PATH", help="muscle files or folders to check")
    p.set_defaults(func=cmd_atlas_check)

    p = sub.add_parser("assess", help="safety screen and ranked muscles for a presentation")
    p.add_argument("file", metavar="FILE", help="presentation JSON, a .jsonl batch, or - for standard input")
    p.add_argument("--json", action="store_true", help="the assessment document as JSON (one line per case for .jsonl)")
    p.add_argument("--jsonl", action="store_true", help="read standard input (or any file) as JSON Lines")
    p.set_defaults(func=cmd_assess)

    p = sub.add_parser("serve", help="serve the web app with gunicorn (production)")
    p.add_argument("--host", default=os.environ.get("KNOTWORK_HOST", "127.0.0.1"))
    p.add_argument("--port", type=int, default=int(os.environ.get("KNOTWORK_PORT", "8000")))
    p.add_argument("--workers", type=int, default=None, help="gunicorn workers (default 2 x cores)")
    p.set_defaults(func=cmd_serve)
    p = sub.add_parser("demo", help="prepare the SQLite database with demo data and serve it")
    p.add_argument("--port", type=int, default=8000)
    p.set_defaults(func=cmd_demo)
    p = sub.add_parser("manage", help="run a Django management command", add_help=False)
    p.add_argument("args", nargs=argparse.REMAINDER)
    p.set_defaults(func=cmd_manage)
    return parser


def _version() -> str:
    from knotwork import __version__

    return __version__


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except UsageError as exc:
        print(f"knotwork: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
