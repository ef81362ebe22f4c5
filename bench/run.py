"""Every benchmark of issue #8 in one run: each figure beside its naive baseline,
measured in the same run, one JSON object a line (--json) or a readable table.

    python bench/run.py [--quick] [--json] [--only GROUP]… [--db URL] [--boundaries FILE]

The demo city (312 wards × 80 blocks × 120 days; --quick: 40 × 20 × 60) is built once
into a temp folder with `cli.py demo`, unless --db names a store to reuse. Each group
runs in its own process, so one group's memory or crash does not touch another's
figures. A group that fails still prints its figures, without a value (never met), and
says why on stderr. The full run measures the map, trends and dashboard groups again on
the real HCMC ward boundaries (demo blocks and history cut into them by
`cli.py demo --boundaries`) when that file is there; --quick only with --boundaries.
Exits 0 whether or not the goals are met: the figures say so.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import HEADER, ROOT, city_size, emit, note

BENCH = Path(__file__).resolve().parent
# group → module; in the order they run (cheap and store-free first).
GROUPS = {"schedule": "schedule_speed", "ingest": "ingest_speed", "trends": "trends_speed",
          "map": "map_speed", "today": "today_speed", "dashboard": "dashboard_speed"}
ON_STORE = ("trends", "map", "dashboard")  # measured on the city store
HCMC = ROOT.parent / "shared" / "data" / "boundaries" / "hcmc_wards_2021.geojson"


def cli(*args: str) -> subprocess.CompletedProcess:
    """`cli.py` with its output on our stderr (stdout is for figures)."""
    return subprocess.run([sys.executable, str(ROOT / "cli.py"), *args], cwd=ROOT,
                          stdout=sys.stderr, check=False)


def build_city(url: str, quick: bool) -> None:
    wards, blocks, days = city_size(quick)
    note(f"run: building the demo city ({wards} wards × {blocks} blocks × {days} days)…")
    t0 = time.perf_counter()
    done = cli("--db", url, "demo", "--wards", str(wards), "--blocks-per-ward", str(blocks),
               "--days", str(days))
    if done.returncode:
        raise SystemExit(f"run: `cli.py demo` failed with status {done.returncode}")
    note(f"run: city built in {time.perf_counter() - t0:.0f} s")


def build_real(url: str, boundaries: Path, quick: bool) -> bool:
    """The demo's blocks and history cut into the real ward polygons of `boundaries`;
    False (and why, on stderr) when that fails."""
    if not boundaries.exists():
        note(f"run: {boundaries} not found: no figures on real boundaries")
        return False
    _, blocks, days = city_size(quick)
    note(f"run: building the demo history on {boundaries.name} ({blocks} blocks a ward)…")
    t0 = time.perf_counter()
    done = cli("--db", url, "demo", "--boundaries", str(boundaries),
               "--blocks-per-ward", str(blocks), "--days", str(days))
    if done.returncode:
        note(f"run: `cli.py demo --boundaries` failed with status {done.returncode}")
    else:
        note(f"run: built in {time.perf_counter() - t0:.0f} s")
    return done.returncode == 0


def run_group(group: str, quick: bool, db: str | None) -> list[dict]:
    """The group's figures from its own process; planned ones without a value if it
    fails."""
    script = [sys.executable, str(BENCH / f"{GROUPS[group]}.py"), "--json"]
    script += ["--quick"] if quick else []
    t0 = time.perf_counter()
    done = subprocess.run([*script, *(["--db", db] if db else [])], cwd=ROOT,
                          stdout=subprocess.PIPE, text=True, check=False)
    lines = [json.loads(x) for x in done.stdout.splitlines() if x.startswith("{")]
    note(f"run: {group} took {time.perf_counter() - t0:.0f} s")
    if done.returncode == 0 and lines:
        return lines
    note(f"run: {group} failed (status {done.returncode}): its figures have no value")
    plan = subprocess.run([*script, "--plan"], cwd=ROOT, stdout=subprocess.PIPE, text=True,
                          check=True).stdout
    return [json.loads(x) for x in plan.splitlines() if x.startswith("{")]


def run_on_real(boundaries: Path, groups: list[str], url: str, args) -> None:
    """The store groups again on real ward polygons; their names end in the file's."""
    if build_real(url, boundaries, args.quick):
        for g in groups:
            lines = run_group(g, args.quick, url)
            emit([{**j, "metric": f"{j['metric']} ({boundaries.stem})"} for j in lines],
                 args.json)


def machine() -> str:
    mem = Path("/proc/meminfo").read_text().split("\n", 1)[0].split()[1]
    return f"{os.cpu_count()} cores, {int(mem) / 1024 ** 2:.0f} GiB memory"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="a smaller city, fewer repeats")
    ap.add_argument("--json", action="store_true", help="one JSON object per line")
    ap.add_argument("--only", action="append", choices=list(GROUPS), metavar="GROUP",
                    help=f"run only this group (repeatable): {', '.join(GROUPS)}")
    ap.add_argument("--db", help="reuse this city store instead of building one")
    ap.add_argument("--boundaries", type=Path,
                    help=f"real ward boundaries to measure on as well (default: {HCMC}, "
                         "in a full run)")
    args = ap.parse_args(argv)
    groups = [g for g in GROUPS if not args.only or g in args.only]
    t0 = time.perf_counter()
    note(f"run: {machine()}; {'--quick' if args.quick else 'full'} run of "
         f"{', '.join(groups)}")
    if not args.json:
        print(HEADER, flush=True)
    with tempfile.TemporaryDirectory(prefix="vungxanh-bench-") as tmp:
        city = args.db
        if city is None and any(g in ON_STORE for g in groups):
            city = f"sqlite:///{tmp}/city.db"
            build_city(city, args.quick)
        for g in groups:
            emit(run_group(g, args.quick, city if g in ON_STORE else None), args.json)
        real = args.boundaries or (None if args.quick else HCMC)
        on_store = [g for g in groups if g in ON_STORE]
        if real and on_store:
            run_on_real(real, on_store, f"sqlite:///{tmp}/real.db", args)
    note(f"run: all done in {time.perf_counter() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
