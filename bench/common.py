"""Shared pieces of the benchmarks: timing, result lines, and a demo store to measure on."""

from __future__ import annotations

import json
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


@dataclass
class Figure:
    """One measured figure beside its naive baseline, measured in the same run."""

    metric: str
    value: float
    unit: str
    baseline: str
    baseline_value: float | None
    goal: str
    met: bool

    @property
    def ratio(self) -> float | None:
        """How many times better than the baseline (baseline / value)."""
        if not self.baseline_value or not self.value:
            return None
        return round(self.baseline_value / self.value, 2)

    def as_json(self) -> dict:
        return {**asdict(self), "ratio": self.ratio}

    def line(self) -> str:
        base = "" if self.baseline_value is None else (
            f"  (baseline {self.baseline}: {self.baseline_value:.4g} {self.unit}, "
            f"×{self.ratio})")
        mark = "met" if self.met else "NOT MET"
        return f"{self.metric:<44} {self.value:>10.4g} {self.unit:<5} goal {self.goal:<10} " \
               f"{mark}{base}"


def timed(fn, *args, repeat: int = 1, **kwargs):
    """Best wall time of `repeat` calls, and the last result."""
    best, result = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn(*args, **kwargs)
        best = min(best, time.perf_counter() - t0)
    return best, result


def emit(figures: list[Figure], as_json: bool) -> None:
    for f in figures:
        print(json.dumps(f.as_json(), ensure_ascii=False) if as_json else f.line(), flush=True)
