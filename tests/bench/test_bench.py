"""bench/run.py keeps its output contract (issue #8): one JSON object a line with exactly
the agreed keys, ratio = baseline_value / value, every metric of the issue planned, and a
group that fails still printing its figures, without a value and not met."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BENCH = ROOT / "bench"
KEYS = ["metric", "value", "unit", "baseline", "baseline_value", "ratio", "goal", "met"]
GROUPS = ("schedule", "ingest", "trends", "map", "today", "dashboard")
# The issue's metrics, as the figure names start.
ISSUE_METRICS = ("map payload sent once", "date change, server work", "date change, payload",
                 "date change seen in Chromium (worst view)", "ingest 100,000 rows",
                 "trends", "schedule 25,000 blocks × 30 days", "dashboard memory",
                 "cold start", "morning view: first view", "morning view page: rerun")

pytestmark = pytest.mark.slow


def _lines(*args: str) -> list[dict]:
    done = subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.splitlines()
    assert lines, f"no figures printed; stderr:\n{done.stderr[-2000:]}"
    return [json.loads(line) for line in lines]  # every stdout line is one JSON object


def _check(fig: dict) -> None:
    assert list(fig) == KEYS, fig
    assert isinstance(fig["met"], bool) and isinstance(fig["metric"], str)
    if fig["value"] is None:
        assert fig["met"] is False and fig["ratio"] is None
    if fig["value"] and fig["baseline_value"]:
        assert fig["ratio"] == pytest.approx(fig["baseline_value"] / fig["value"], rel=1e-3)
    else:
        assert fig["ratio"] is None


def test_quick_json_lines_of_a_cheap_group():
    figures = _lines(str(BENCH / "run.py"), "--quick", "--json", "--only", "schedule")
    for fig in figures:
        _check(fig)
    speed = figures[0]
    assert speed["metric"] == "schedule 5,000 blocks × 30 days"
    assert speed["value"] > 0 and speed["baseline_value"] > 0 and speed["unit"] == "s"
    assert speed["met"] == (speed["value"] <= 2)


def test_every_metric_of_the_issue_is_planned(monkeypatch):
    monkeypatch.syspath_prepend(str(BENCH))  # the modules import their `common` as scripts
    planned = [fig.as_json() for g in GROUPS
               for fig in importlib.import_module(f"{g}_speed").planned(quick=False)]
    names = [fig["metric"] for fig in planned]
    assert len(names) == len(set(names)), names
    for fig in planned:
        _check(fig)
    for wanted in ISSUE_METRICS:
        assert any(n.startswith(wanted) for n in names), f"{wanted!r} not in {names}"
    assert {"ingest 100,000 rows, validate + store (SQLite)",
            "ingest 100,000 rows, validate + store (PostgreSQL)"} <= set(names)


def test_a_failed_group_still_prints_its_figures(tmp_path):
    missing = f"sqlite:///{tmp_path}/no/such/folder/city.db"
    figures = _lines(str(BENCH / "run.py"), "--quick", "--json", "--only", "trends",
                     "--db", missing, "--boundaries", str(tmp_path / "none.geojson"))
    assert [f["metric"] for f in figures] == ["trends, whole history, all districts",
                                               "trends, first view with no tallies kept",
                                               "trends, first view after the last month "
                                               "changed"]
    for fig in figures:
        _check(fig)
        assert fig["value"] is None and fig["met"] is False
