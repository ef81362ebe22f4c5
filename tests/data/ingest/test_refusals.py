"""Every refused input file — zone file, blocks table, boundary file, capacity and rounds
files, policy, targets — is refused the same way: a `Refused` error whose problems are the
one `Problem`, each saying what is wrong in English and in Vietnamese."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest

from data.ingest.blocks import BlocksError, read_blocks_csv
from data.ingest.plan_inputs import PlanInputError, read_capacity_file, read_rounds_file
from data.ingest.zone_file import validate_bytes
from geo.boundaries.crs import SourceProblem, parse_crs
from geo.boundaries.read import BoundaryError, read_boundaries
from tests.support.ingest_files import POLICY, SMALL_AREAS, TODAY, row, zone_csv
from zones.policy import DataFileError, PolicyError, parse_policy
from zones.problems import FEATURE, Problem, Refused
from zones.target_file import TargetsError, parse_targets

SQUARE = [[[105.70, 20.90], [105.71, 20.90], [105.71, 20.91], [105.70, 20.91], [105.70, 20.90]]]


def _boundary_file(tmp_path, **properties):
    ward = {"province_code": "01", "province_name": "Hà Nội", "district_code": "268",
            "district_name": "Hà Đông", "ward_code": "09541", "ward_name": "Mộ Lao"}
    doc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": ward | properties,
         "geometry": {"type": "Polygon", "coordinates": SQUARE}}]}
    path = tmp_path / "wards.geojson"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


def _refusal(call) -> Refused:
    with pytest.raises(Refused) as err:
        call()
    return err.value


def _said_in_both_languages(problems) -> None:
    assert problems and all(type(p) is Problem for p in problems)
    assert all(p.reason and p.reason_vi and p.reason != p.reason_vi for p in problems)


def test_a_boundary_problem_and_a_blocks_problem_are_one_type(tmp_path):
    csv = tmp_path / "blocks.csv"
    csv.write_text("ward_code,block_code,block_name,population\n95A1,TDP01,Tổ 1,-5\n",
                   encoding="utf-8")
    blocks = _refusal(lambda: read_blocks_csv(csv))
    boundary = _refusal(lambda: read_boundaries(_boundary_file(tmp_path, ward_code="95A1")))
    assert isinstance(blocks, BlocksError) and isinstance(boundary, BoundaryError)
    [ward_cell, population] = blocks.problems
    [bad_code] = boundary.problems
    assert type(ward_cell) is type(bad_code) is Problem
    assert (ward_cell.row, ward_cell.column, ward_cell.value) == (2, "ward_code", "95A1")
    assert (bad_code.feature, bad_code.code, bad_code.column, bad_code.value) == (
        1, None, "ward_code", "95A1")
    assert (ward_cell.place, bad_code.place) == ("row", FEATURE)
    assert population.reason == "negative count" and population.reason_vi == "số âm"
    assert bad_code.reason_vi == "không phải mã TCTK (5 chữ số)"
    _said_in_both_languages(blocks.problems + boundary.problems)


def test_a_file_that_cannot_be_read_is_a_problem_like_the_others(tmp_path):
    path = tmp_path / "x.geojson"
    path.write_bytes(b"hello")
    err = _refusal(lambda: read_boundaries(path))
    [problem] = err.problems
    assert (problem.feature, problem.column) == (None, None)
    assert problem.reason.startswith("not a GeoJSON, GeoPackage")
    with pytest.raises(SourceProblem) as crs:
        parse_crs("EPSG:nonsense")
    assert isinstance(crs.value, Refused) and crs.value.problems[0].column == "crs"
    assert str(crs.value) == crs.value.problems[0].reason
    _said_in_both_languages(err.problems + crs.value.problems)


def test_plan_inputs_refuse_with_the_same_problems(tmp_path):
    capacity = tmp_path / "capacity.csv"
    capacity.write_text("District Code,capacity\n999,0\n", encoding="utf-8")
    areas = pd.DataFrame({"district_code": ["901"], "ward_code": ["90001"]})
    err = _refusal(lambda: read_capacity_file(capacity, areas, TODAY))
    assert isinstance(err, PlanInputError)
    assert [(p.row, p.column, p.value) for p in err.problems] == [
        (2, "district_code", "999"), (2, "capacity", "0")]
    rounds = tmp_path / "rounds.csv"
    rounds.write_text("ward_code,block_code,date,samples\n90001,,31/02/2021,-1\n",
                      encoding="utf-8")
    err = _refusal(lambda: read_rounds_file(rounds, {"90001": set()}, dt.date(2021, 9, 30)))
    assert [p.key for p in err.problems] == ["ingest.bad_day", "ingest.negative"]
    assert str(err).startswith(f"{rounds}: row 2 date '31/02/2021': bad date: February")
    _said_in_both_languages(err.problems)


def test_a_doubled_plan_column_is_named(tmp_path):
    capacity = tmp_path / "capacity.csv"
    capacity.write_text("ward_code,Ward Code,capacity\n90001,90001,5\n", encoding="utf-8")
    err = _refusal(lambda: read_capacity_file(capacity, pd.DataFrame({"ward_code": ["90001"]}),
                                              TODAY))
    [problem] = err.problems
    assert (problem.row, problem.column) == (1, "ward_code")
    assert problem.reason == "columns ward_code, Ward Code all mean ward_code; keep only one"


def test_policy_and_targets_problems_are_problems_with_keys():
    policy = _refusal(lambda: parse_policy('id = ""\neffective_date = "x"\n'))
    targets = _refusal(lambda: parse_targets('id = "x"\n'))
    assert isinstance(policy, PolicyError) and isinstance(targets, TargetsError)
    assert isinstance(policy, DataFileError) and isinstance(targets, DataFileError)
    assert [p.column for p in policy.problems][:3] == ["id", "effective_date", "sources"]
    assert policy.problems[1].value == "'x'"
    assert policy.problems[1].reason_vi == "cần một ngày YYYY-MM-DD, nhưng là 'x'"
    _said_in_both_languages(policy.problems + targets.problems)


def test_a_zone_file_problem_is_the_same_problem():
    report = validate_bytes(zone_csv([row(ward="99999", block="")]), "z.csv",
                            SMALL_AREAS, TODAY, POLICY)
    [problem] = report.errors
    assert type(problem) is Problem and problem.key == "ingest.unknown_ward"
    assert report.to_json()["errors"] == [{
        "row": 2, "column": "ward_code", "value": "99999", "reason": "unknown ward code",
        "reason_vi": "mã phường không tồn tại"}]
