"""The planner against the optimum on a handful of the benchmark's instances
(bench/schedule_quality.py runs 200): summed slip within 5 % of what CP-SAT proves
optimal, 0 wherever the optimum is 0, and every plan within capacity and min gaps."""

import pytest

pytest.importorskip("ortools", reason="OR-Tools is a test and benchmark dependency: "
                    "pip install -r requirements-dev.txt")

from bench.schedule_quality import compare
from data.config.policy_files import load_policy

# Benchmark seeds whose optimum CP-SAT proves in about a second each (2021, 2027 and
# 2029 take it longer than a unit test should wait).
SEEDS = [2022, 2023, 2024, 2025, 2026, 2028, 2030]


@pytest.fixture(scope="module")
def results():
    policy = load_policy()
    return [compare(seed, policy, seconds=30.0) for seed in SEEDS]


def test_optimum_is_proven(results):
    assert all(r["proven"] for r in results)


def test_within_five_percent_of_optimum(results):
    planner = sum(r["planner"] for r in results)
    best = sum(r["optimum"] for r in results)
    assert planner <= 1.05 * best, results
    assert all(r["planner"] == 0 for r in results if r["optimum"] == 0), results
    assert all(r["planner"] >= r["bound"] for r in results)  # the optimum is a floor
