"""Booking benchmark: throughput and p99 latency of the availability query and of booking,
under gunicorn (`knotwork serve`, 4 sync workers) with wrk on loopback, with 10,000 existing
appointments, on SQLite and on PostgreSQL; each as a ratio to /healthz served the same way in
the same run.

    .venv/bin/python bench/booking/run.py [--seconds 10] [--connections 16] [--only sqlite|postgresql]

Needs Debian's wrk (installed with apt-get when missing and running as root) and, for
PostgreSQL, Debian's postgresql (a throwaway cluster is started in a temporary folder).
Everything listens on 127.0.0.1 and every run is bounded in time.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
BOOKING_LUA = """
-- Each request books a different free slot, so every booking is a real insert (201).
local slots = {}
local index = 0
local stride = 1
function setup(thread)
  thread:set("offset", index)
  index = index + 1
end
function init(args)
  stride = tonumber(args[2])
  for line in io.lines(args[1]) do slots[#slots + 1] = line end
  n = offset + 1
end
function request()
  local body = slots[n]
  n = n + stride
  return wrk.format("POST", "/api/v1/appointments", {["Content-Type"] = "application/json"}, body)
end
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() != 0:
        sys.exit("wrk is missing: sudo apt-get install wrk")
    print("installing wrk with apt-get", flush=True)
    subprocess.run(["apt-get", "update", "-qq"], check=True)
    subprocess.run(
        ["apt-get", "install", "-y", "-qq", "wrk"], check=True, env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    )
    return shutil.which("wrk") or sys.exit("wrk did not install")


class Postgres:
    """A throwaway PostgreSQL cluster with default (durable) settings on a free loopback port."""

    def __init__(self, base: Path) -> None:
        found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
        if not found:
            sys.exit("PostgreSQL is not installed: sudo apt-get install postgresql")
        self.bindir = Path(found[-1]).parent
        self.base = base / "pg"
        self.base.mkdir()
        self.port = free_port()
        self.prefix: list[str] = []
        if os.geteuid() == 0:
            shutil.chown(self.base, "postgres", "postgres")
            base.chmod(0o755)
            self.prefix = ["runuser", "-u", "postgres", "--"]

    def run(self, *args: str) -> None:
        subprocess.run([*self.prefix, *args], check=True, capture_output=True, cwd=self.base)

    def start(self) -> str:
        data = self.base / "data"
        self.run(str(self.bindir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8")
        options = f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.base} -c max_connections=100"
        self.run(
            str(self.bindir / "pg_ctl"), "-D", str(data), "-l", str(self.base / "log"), "-o", options, "-w", "start"
        )
        self.run(str(self.bindir / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "bench")
        return f"postgresql://postgres@127.0.0.1:{self.port}/bench"

    def stop(self) -> None:
        subprocess.run(
            [*self.prefix, str(self.bindir / "pg_ctl"), "-D", str(self.base / "data"), "-m", "fast", "stop"],
            capture_output=True,
            check=False,
        )


def wrk(
    binary: str, url: str, *, seconds: int, connections: int, script: Path | None = None, args: list[str] | None = None
) -> dict[str, Any]:
    command = [binary, "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "10s"]
    if script:
        command += ["-s", str(script)]
    command.append(url)
    if args:
        command += ["--", *args]
    out = subprocess.run(command, check=True, capture_output=True, text=True, timeout=seconds + 60).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)\b", out)
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}
    latency = float(p99.group(1)) * scale[p99.group(2)] if p99 else float("nan")
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    total = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    return {"rps": rps, "p99_ms": latency, "non_2xx": int(errors.group(1)) if errors else 0, "requests": total}


def bench_database(kind: str, work: Path, wrk_binary: str, seconds: int, connections: int) -> dict[str, Any]:
    home = work / f"home-{kind}"
    env = {
        **os.environ,
        "KNOTWORK_HOME": str(home),
        "KNOTWORK_SECRET_KEY": "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "KNOTWORK_EMAIL_URL": "memory:",
        "KNOTWORK_TASKS": "database",  # the production set-up: a booking queues its email
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.pop("KNOTWORK_DATABASE_URL", None)
    postgres = None
    if kind == "postgresql":
        postgres = Postgres(work)
        env["KNOTWORK_DATABASE_URL"] = postgres.start()
    try:
        subprocess.run([sys.executable, "-m", "knotwork", "manage", "migrate", "-v0"], env=env, check=True)
        seed_file = work / f"seed-{kind}.json"
        subprocess.run([sys.executable, str(HERE / "seed.py"), str(seed_file)], env=env, check=True)
        seed = json.loads(seed_file.read_text())
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        log = (work / f"server-{kind}.log").open("w")
        server = subprocess.Popen(
            [sys.executable, "-m", "knotwork", "serve", "--port", str(port), "--workers", "4"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            deadline = time.monotonic() + 120
            while True:
                try:
                    with urllib.request.urlopen(f"{base}/readyz", timeout=2):  # noqa: S310 - loopback
                        break
                except OSError:
                    if time.monotonic() > deadline or server.poll() is not None:
                        sys.exit(f"server did not start, see {log.name}")
                    time.sleep(0.3)
            query = f"{base}/api/v1/availability?service={seed['service']}&start={seed['week_from']}"
            availability_day = f"{query}&end={seed['week_from']}"
            availability_week = f"{query}&end={seed['week_to']}"
            with urllib.request.urlopen(availability_week) as response:  # noqa: S310 - loopback
                offered = len(json.loads(response.read()))
            bodies = work / f"bodies-{kind}.txt"
            bodies.write_text(
                "\n".join(
                    json.dumps(
                        {
                            "service": seed["service"],
                            "therapist": slot["therapist"],
                            "start": slot["start"],
                            "client": {"name": f"Bench {i}", "email": f"bench{i % 2000}@example.com"},
                        }
                    )
                    for i, slot in enumerate(seed["free"])
                )
            )
            script = work / "book.lua"
            script.write_text(BOOKING_LUA)
            results: dict[str, Any] = {"existing": seed["existing"], "offered_in_week": offered}
            # A short warm-up of each endpoint, then the measured runs, healthz first and last
            # so that drift within the run shows.
            for url in (f"{base}/healthz", availability_week):
                wrk(wrk_binary, url, seconds=2, connections=connections)
            results["healthz"] = wrk(wrk_binary, f"{base}/healthz", seconds=seconds, connections=connections)
            results["availability_day"] = wrk(wrk_binary, availability_day, seconds=seconds, connections=connections)
            results["availability_week"] = wrk(wrk_binary, availability_week, seconds=seconds, connections=connections)
            results["booking"] = wrk(
                wrk_binary, base, seconds=seconds, connections=connections, script=script, args=[str(bodies), "2"]
            )
            results["healthz_after"] = wrk(wrk_binary, f"{base}/healthz", seconds=seconds, connections=connections)
            return results
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
            log.close()
    finally:
        if postgres:
            postgres.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    options = parser.parse_args()
    binary = ensure_wrk()
    work = Path(tempfile.mkdtemp(prefix="knotwork-bench-booking-"))
    try:
        all_results = {}
        for kind in [options.only] if options.only else ["sqlite", "postgresql"]:
            print(f"{kind}: seeding and serving...", flush=True)
            all_results[kind] = bench_database(kind, work, binary, options.seconds, options.connections)
        print(json.dumps(all_results, indent=2))
        print(f"\n{options.connections} connections, {options.seconds} s per run, gunicorn 4 sync workers, wrk -t2\n")
        print("| database | endpoint | req/s | share of /healthz | p99 ms | non-2xx |")
        print("| --- | --- | ---: | ---: | ---: | ---: |")
        names = {
            "healthz": "`/healthz` (bare view)",
            "availability_day": "availability, 1 day, anyone",
            "availability_week": "availability, 7 days, anyone",
            "booking": "booking (`POST /appointments`, 201)",
        }
        for kind, results in all_results.items():
            bare = results["healthz"]["rps"]
            for key, name in names.items():
                r = results[key]
                share = f"{r['rps'] / bare:.0%}" if key != "healthz" else "100%"
                print(f"| {kind} | {name} | {r['rps']:,.0f} | {share} | {r['p99_ms']:.1f} | {r['non_2xx']} |")
            after = results["healthz_after"]
            print(f"| {kind} | `/healthz` again, after | {after['rps']:,.0f} | | {after['p99_ms']:.1f} | |")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
