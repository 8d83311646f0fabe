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

TYPE_CHECKING = False  # typing itself costs start-up time; mypy and ruff read this as usual
if TYPE_CHECKING:
    from datetime import date

    from knotwork.plan import Override


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
    from knotwork.assess.batch import answer

    sys.stdout.flush()
    return answer(lines, sys.stdout.buffer, sys.stderr, as_json=as_json)


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


PLAN_FLAGS = {
    "muscles": "--muscles",
    "overrides": "--add/--remove",
    "severity_reason": "--reason",
    "working_days": "--days",
    "time": "--time",
    "start": "--start",
}


def _iso_date(text: str, flag: str) -> date:
    from datetime import date as calendar_date

    try:
        return calendar_date.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(f"{flag}: {text!r} is not a date YYYY-MM-DD") from None


def _plan_overrides(args: argparse.Namespace) -> list[Override]:
    from knotwork.plan import Override

    changes = [("add", v) for v in args.add or []] + [("remove", v) for v in args.remove or []]
    if changes and not (args.reason or "").strip():
        raise UsageError("--add and --remove need --reason: say why the techniques are changed")
    overrides = []
    for action, value in changes:
        technique, _, muscle = value.partition(":")
        overrides.append(
            Override(
                action=action,  # type: ignore[arg-type]
                technique=technique.strip(),
                reason=args.reason.strip(),
                muscle=muscle.strip() or None,
                overrule_precaution=args.overrule_precaution and action == "add",
            )
        )
    return overrides


def _write(path: str, data: bytes) -> None:
    if path == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    with open(path, "wb") as f:
        f.write(data)
    print(f"wrote {path}", file=sys.stderr)


def cmd_plan(args: argparse.Namespace) -> int:
    from datetime import datetime, time
    from zoneinfo import ZoneInfo

    from knotwork.assess import PresentationError, read
    from knotwork.plan import PlanError, make_plan, plan_document, read_outcomes
    from knotwork.plan.schedule import DAY_NAMES

    start = _iso_date(args.start, "--start") if args.start else datetime.now(ZoneInfo("Europe/London")).date()
    days = None
    if args.days:
        names = [d.strip().lower()[:3] for d in args.days.split(",") if d.strip()]
        bad = [d for d in names if d not in DAY_NAMES]
        if bad or not names:
            raise UsageError(f"--days: {args.days!r}: use day names such as mon,tue,wed,thu,fri")
        days = [DAY_NAMES.index(d) for d in names]
    session_time = None
    if args.time:
        try:
            session_time = time.fromisoformat(args.time)
        except ValueError:
            raise UsageError(f"--time: {args.time!r} is not a time HH:MM") from None
    closed = [_iso_date(d, "--closed") for d in (args.closed or "").split(",") if d.strip()]
    muscles = [m.strip() for m in args.muscles.split(",") if m.strip()] if args.muscles is not None else None
    overrides = _plan_overrides(args)

    if args.file == "-":
        text = sys.stdin.read()
    else:
        if not os.path.isfile(args.file):
            raise UsageError(f"no such file: {args.file}")
        with open(args.file, encoding="utf-8") as f:
            text = f.read()
    try:
        presentation = read(text)
    except PresentationError as exc:
        for p in exc.problems:
            print(f"{args.file}: {p}", file=sys.stderr)
        return 1
    outcomes = []
    if args.outcomes:
        if not os.path.isfile(args.outcomes):
            raise UsageError(f"no such file: {args.outcomes}")
        with open(args.outcomes, encoding="utf-8") as f:
            try:
                outcomes = read_outcomes(f.read(), name=args.outcomes)
            except PlanError as exc:
                for p in exc.problems:
                    print(p, file=sys.stderr)
                return 1

    reason = (args.reason or "").strip() or None
    if args.severity and not reason:
        reason = "no reason given (set with --severity on the command line)"
    try:
        plan = make_plan(
            presentation,
            start=start,
            severity=args.severity,
            severity_reason=reason,
            muscles=muscles,
            working_days=days,
            closed=closed,
            bank_holidays=None if args.bank_holidays == "none" else args.bank_holidays,
            session_time=session_time,
            overrides=overrides,
            outcomes=outcomes,
        )
    except PlanError as exc:
        for p in exc.problems:
            field = p.split(":")[0].split("[")[0].split(".")[0]
            flag = PLAN_FLAGS.get(field)
            print(f"knotwork: error: {flag + ': ' if flag else ''}{p}", file=sys.stderr)
        return 2
    if args.severity and args.severity != plan.severity.derived and not (args.reason or "").strip():
        print(
            f"warning: --severity changes the severity from {plan.severity.derived} to {args.severity} without "
            "--reason; the plan records that no reason was given",
            file=sys.stderr,
        )
    if plan.status == "refer-first":
        print("warning: the safety screen says refer first: no sessions are scheduled", file=sys.stderr)

    if args.json:
        print(json.dumps(plan_document(plan), ensure_ascii=False, indent=2))
    elif not any(out == "-" for out in (args.ics, args.pdf, args.html)):
        from knotwork.plan import plan_text

        print(plan_text(plan))
    if args.ics:
        from knotwork.plan import plan_ics

        _write(args.ics, plan_ics(plan))
    if args.html:
        from knotwork.plan import handout_html

        _write(args.html, handout_html(plan).encode("utf-8"))
    if args.pdf:
        from knotwork.plan import handout_pdf

        _write(args.pdf, handout_pdf(plan))
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


class _Parser(argparse.ArgumentParser):
    """argparse, with the help width found without importing shutil (argparse's default
    formatter imports it for every parser: some 4 ms of ``knotwork assess``'s start)."""

    def _get_formatter(self) -> argparse.HelpFormatter:
        try:
            columns = int(os.environ.get("COLUMNS", "0")) or os.get_terminal_size(sys.stdout.fileno()).columns
        except (OSError, ValueError):
            columns = 80
        return self.formatter_class(prog=self.prog, width=max(columns - 2, 20))  # type: ignore[call-arg]


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="knotwork", description="Trigger point therapy: atlas, assessment and clinic.")
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

    p = sub.add_parser(
        "plan",
        help="a treatment plan and home programme for a presentation",
        description="Propose a treatment plan: severity, sessions with reviews, techniques and a home programme.",
    )
    p.add_argument("file", metavar="FILE", help="presentation JSON, or - for standard input")
    p.add_argument("--start", metavar="YYYY-MM-DD", help="first day a session may fall on (default: today)")
    p.add_argument("--severity", choices=["mild", "moderate", "severe"], help="override the severity from the pain")
    p.add_argument("--json", action="store_true", help="the plan document as JSON")
    p.add_argument("--ics", metavar="FILE", help="write the sessions as an iCalendar file")
    p.add_argument("--pdf", metavar="FILE", help="write the client's handout as PDF")
    p.add_argument("--html", metavar="FILE", help="write the client's handout as standalone HTML")
    p.add_argument("--muscles", metavar="ID[:SIDE],...", help="target muscles (default: the top candidates)")
    p.add_argument("--reason", metavar="TEXT", help="why the severity or the techniques were changed (recorded)")
    p.add_argument("--add", action="append", metavar="TECHNIQUE[:MUSCLE]", help="add a session technique")
    p.add_argument("--remove", action="append", metavar="TECHNIQUE[:MUSCLE]", help="remove a session technique")
    p.add_argument(
        "--overrule-precaution", action="store_true", help="allow --add of a technique the safety screen says to avoid"
    )
    p.add_argument("--outcomes", metavar="FILE", help="logged pain: CSV with date,pain columns, or a JSON array")
    p.add_argument("--days", metavar="mon,tue,...", help="the clinic's working days (default mon-fri)")
    p.add_argument("--time", metavar="HH:MM", help="session time, UK local time (default 10:00)")
    p.add_argument("--closed", metavar="YYYY-MM-DD,...", help="dates the clinic is closed")
    p.add_argument(
        "--bank-holidays",
        choices=["england-and-wales", "scotland", "northern-ireland", "none"],
        default="england-and-wales",
        help="whose bank holidays the clinic closes on (default england-and-wales)",
    )
    p.set_defaults(func=cmd_plan)

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
