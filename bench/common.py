"""Shared pieces of the benchmarks: the result line (a figure beside its naive baseline),
timing, the demo city to measure on, and the command-line frame every module shares."""

from __future__ import annotations

import argparse
import dataclasses
import json
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# The key set of a JSON line, in this order (issue #8).
KEYS = ("metric", "value", "unit", "baseline", "baseline_value", "ratio", "goal", "met")
NO_BASELINE = "none"
CACHE = Path(tempfile.gettempdir()) / "vungxanh-bench"
# (wards, blocks per ward, days): the city of the goals, and --quick's.
CITY, QUICK_CITY = (312, 80, 120), (40, 20, 60)


def _sig(x: float | None, digits: int = 6) -> float | None:
    return None if x is None else float(f"{x:.{digits}g}")


@dataclass(frozen=True)
class Figure:
    """One measured figure beside its naive baseline, measured in the same run.

    `limit` is the goal (value ≤ limit); None means the figure is reported, not judged.
    A planned figure (`value` None) says the measurement did not happen; it is never met.
    """

    metric: str
    unit: str
    baseline: str = NO_BASELINE
    limit: float | None = None
    value: float | None = None
    baseline_value: float | None = None

    def measured(self, value: float | None, baseline_value: float | None = None) -> Figure:
        return dataclasses.replace(self, value=_sig(value), baseline_value=_sig(baseline_value))

    @property
    def ratio(self) -> float | None:
        """How many times better than the baseline (baseline / value)."""
        if not self.baseline_value or not self.value:
            return None
        return _sig(self.baseline_value / self.value, 4)

    @property
    def goal(self) -> str:
        return "reported" if self.limit is None else f"≤ {self.limit:g} {self.unit}"

    @property
    def met(self) -> bool:
        if self.value is None:
            return False
        return self.limit is None or self.value <= self.limit

    def as_json(self) -> dict:
        return {"metric": self.metric, "value": self.value, "unit": self.unit,
                "baseline": self.baseline, "baseline_value": self.baseline_value,
                "ratio": self.ratio, "goal": self.goal, "met": self.met}


WIDTH = 66  # of the metric column: the longest name, with a boundary file's suffix


def _num(x: float | None) -> str:
    return "—" if x is None else f"{x:,.4g}" if abs(x) < 1e4 else f"{x:,.0f}"


def row(j: dict) -> str:
    """One readable line of a figure's JSON object."""
    mark = "NOT MET" if not j["met"] else "met" if j["goal"] != "reported" else ""
    base = "" if j["baseline_value"] is None else (
        f"{j['baseline']}: {_num(j['baseline_value'])} {j['unit']} (×{_num(j['ratio'])})")
    return (f"{j['metric']:<{WIDTH}} {_num(j['value']):>9} {j['unit']:<4} {j['goal']:<14} "
            f"{mark:<8} {base}")


HEADER = f"{'metric':<{WIDTH}} {'value':>9} {'unit':<4} {'goal':<14} {'':<8} baseline (×faster)"


def emit(lines: list[dict], as_json: bool, header: bool = False) -> None:
    """Print figures (as_json() objects): one JSON object a line, or a readable table."""
    if header and not as_json:
        print(HEADER)
    for j in lines:
        print(json.dumps(j, ensure_ascii=False) if as_json else row(j), flush=True)


def note(text: str) -> None:
    """Progress and detail for a human: on stderr, so stdout holds only figures."""
    print(text, file=sys.stderr, flush=True)


def timed(fn, *args, repeat: int = 1, budget_s: float = 60.0, **kwargs):
    """Median wall time of `repeat` calls (fewer once `budget_s` is spent: a slow figure
    needs no five repeats to be known slow), and the last result."""
    runs, result = [], None
    while len(runs) < repeat and (not runs or sum(runs) < budget_s):
        t0 = time.perf_counter()
        result = fn(*args, **kwargs)
        runs.append(time.perf_counter() - t0)
    return statistics.median(runs), result


def city_size(quick: bool) -> tuple[int, int, int]:
    return QUICK_CITY if quick else CITY


def city_store(url: str | None, quick: bool):
    """The store to measure: `url`, else the demo city kept in the temp folder between
    runs (generated on first use)."""
    from data.demo.city import generate_demo, load_demo
    from data.store.database import Store

    if url:
        return Store(url)
    wards, blocks, days = city_size(quick)
    CACHE.mkdir(exist_ok=True)
    path = CACHE / f"city-{wards}x{blocks}x{days}.db"
    store = Store(f"sqlite:///{path}")
    if not store.table_counts()["wards"]:
        note(f"generating the demo city ({wards} wards × {blocks} blocks × {days} days) "
             f"in {path}…")
        load_demo(store, generate_demo(wards=wards, blocks_per_ward=blocks, days=days))
    return store


def main(doc: str, figures, planned) -> None:
    """The command line of a benchmark module: `figures(quick, db)` measures,
    `planned(quick)` names what it will measure (printed when --plan is given)."""
    ap = argparse.ArgumentParser(description=doc.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="a smaller city, fewer repeats")
    ap.add_argument("--json", action="store_true", help="one JSON object per line")
    ap.add_argument("--db", help="store URL of the city (default: a demo city in the "
                                 "temp folder)")
    ap.add_argument("--plan", action="store_true", help="list the figures, measure nothing")
    a = ap.parse_args()
    found = planned(a.quick) if a.plan else figures(a.quick, a.db)
    emit([f.as_json() for f in found], a.json, header=True)
