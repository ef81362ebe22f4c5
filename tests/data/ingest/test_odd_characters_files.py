"""The other files a user gives name odd characters the way the zone file does
(tests/data/ingest/test_odd_characters.py): a code, date or count in the rounds and
capacity files, the blocks table and a boundary file holding an invisible character or a
digit other than 0–9 is refused naming each such character by its position, code point and
Unicode name, in both languages, instead of "bad code", "unknown code" or "capacity must
be a whole number"; never repaired."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from cli import main
from data.ingest.blocks import BlocksError, read_blocks_csv
from data.ingest.plan_inputs import PlanInputError, read_capacity_file, read_rounds_file
from geo.boundaries.read import BoundaryError, read_boundaries
from tests.support.ingest_files import SMALL_AREAS, TODAY

ZWSP = "U+200B ZERO WIDTH SPACE"
SQUARE = [[[105.70, 20.90], [105.71, 20.90], [105.71, 20.91], [105.70, 20.91], [105.70, 20.90]]]


def _named(problem, column: str, value: str, named: str) -> None:
    """The one problem is about `column`, keeps `value` as written and names `named`."""
    assert problem.column == column and problem.value == value, str(problem)
    english, vietnamese = problem.message("en"), problem.message("vi")
    assert named in english and named in vietnamese, english
    assert "position" in english and "vị trí" in vietnamese, english


def _only(err) -> object:
    assert len(err.value.problems) == 1, [str(p) for p in err.value.problems]
    return err.value.problems[0]


# ---- rounds and capacity files ------------------------------------------------------------


@pytest.mark.parametrize(("samples", "named"), [
    ("1\u200b2", f"2: {ZWSP}"),
    ("\uff15", "1: U+FF15 FULLWIDTH DIGIT FIVE"),
    ("\u0663\u0660", "1: U+0663 ARABIC-INDIC DIGIT THREE; 2: U+0660 ARABIC-INDIC DIGIT ZERO"),
])
def test_rounds_samples_name_the_character(tmp_path, samples, named):
    path = tmp_path / "rounds.csv"
    path.write_text(f"ward_code,block_code,date,samples\n90001,TDP01,2021-09-19,{samples}\n",
                    encoding="utf-8")
    with pytest.raises(PlanInputError) as err:
        read_rounds_file(path, SMALL_AREAS, TODAY)
    p = _only(err)
    _named(p, "samples", samples, named)
    assert p.row == 2 and "integer" not in p.message("en")


def test_the_cli_names_the_character_in_rounds_samples(small_areas_url, tmp_path, capsys):
    path = tmp_path / "rounds.csv"
    path.write_text("ward_code,block_code,date,samples\n90001,TDP01,2021-09-19,4\u200b\n",
                    encoding="utf-8")
    assert main(["--db", small_areas_url, "--lang", "en", "record-rounds", str(path)]) == 1
    assert f"2: {ZWSP}" in capsys.readouterr().err


AREAS = pd.DataFrame({"district_code": ["901", "901"], "ward_code": ["90001", "90002"]})


@pytest.mark.parametrize(("header", "cell", "column", "named"), [
    ("ward_code,capacity", "90001\u200b,100", "ward_code", f"6: {ZWSP}"),
    ("district_code,capacity", "９01,100", "district_code", "1: U+FF19 FULLWIDTH DIGIT NINE"),
    ("ward_code,capacity", "90001,1\u0660\u0660", "capacity",
     "2: U+0660 ARABIC-INDIC DIGIT ZERO; 3: U+0660 ARABIC-INDIC DIGIT ZERO"),
    ("ward_code,capacity", "90001,\ufeff100", "capacity",
     "1: U+FEFF ZERO WIDTH NO-BREAK SPACE"),
    ("date,ward_code,capacity", "2021-09-2\uff11,90001,100", "date",
     "10: U+FF11 FULLWIDTH DIGIT ONE"),
])
def test_a_capacity_table_names_the_character(tmp_path, header, cell, column, named):
    path = tmp_path / "capacity.csv"
    path.write_text(f"{header}\n{cell}\n", encoding="utf-8")
    with pytest.raises(PlanInputError) as err:
        read_capacity_file(path, AREAS, TODAY)
    p = _only(err)
    value = cell.split(",")[header.split(",").index(column)]
    _named(p, column, value, named)
    assert "unknown" not in p.message("en") and "greater than 0" not in p.message("en")


# ---- the blocks table ---------------------------------------------------------------------


@pytest.mark.parametrize(("ward", "block", "column", "named"), [
    ("90001\u200b", "TDP01", "ward_code", f"6: {ZWSP}"),
    ("\ufeff90001", "TDP01", "ward_code", "1: U+FEFF ZERO WIDTH NO-BREAK SPACE"),
    ("９0001", "TDP01", "ward_code", "1: U+FF19 FULLWIDTH DIGIT NINE"),
    ("90001", "TDP\u200d01", "block_code", "4: U+200D ZERO WIDTH JOINER"),
    ("90001", "TDP0\u00ad1", "block_code", "5: U+00AD SOFT HYPHEN"),
])
def test_a_blocks_table_names_the_character_in_a_code(tmp_path, ward, block, column, named):
    path = tmp_path / "blocks.csv"
    path.write_text(f"ward_code,block_code,block_name,population\n{ward},{block},Tổ 1,120\n",
                    encoding="utf-8")
    with pytest.raises(BlocksError) as err:
        read_blocks_csv(path, known_wards=set(SMALL_AREAS))
    p = _only(err)
    _named(p, column, ward if column == "ward_code" else block, named)
    assert p.row == 2 and "not a GSO" not in p.message("en")


def test_a_plain_non_code_is_still_a_bad_ward_code(tmp_path):
    path = tmp_path / "blocks.csv"
    path.write_text("ward_code,block_code,block_name,population\n95A1,TDP01,Tổ 1,120\n",
                    encoding="utf-8")
    with pytest.raises(BlocksError) as err:
        read_blocks_csv(path)
    assert _only(err).message("en") == "not a GSO ward code (at most 5 digits)"


# ---- boundary files -----------------------------------------------------------------------


def _boundaries(tmp_path, level: str, **properties):
    if level == "ward":
        base = {"province_code": "01", "province_name": "Hà Nội", "district_code": "268",
                "district_name": "Hà Đông", "ward_code": "09541", "ward_name": "Mộ Lao"}
    else:
        base = {"ward_code": "09541", "block_code": "TDP01", "block_name": "Tổ 1"}
    doc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": base | properties,
         "geometry": {"type": "Polygon", "coordinates": SQUARE}}]}
    path = tmp_path / f"{level}s.geojson"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.mark.parametrize(("level", "column", "value", "named"), [
    ("ward", "ward_code", "09541\u200b", f"6: {ZWSP}"),
    ("ward", "district_code", "２68", "1: U+FF12 FULLWIDTH DIGIT TWO"),
    ("ward", "province_code", "0\u20601", "2: U+2060 WORD JOINER"),
    ("block", "ward_code", "\ufeff09541", "1: U+FEFF ZERO WIDTH NO-BREAK SPACE"),
    ("block", "block_code", "TDP\u200b01", f"4: {ZWSP}"),
])
def test_a_boundary_file_names_the_character_in_a_code(tmp_path, level, column, value, named):
    path = _boundaries(tmp_path, level, **{column: value})
    with pytest.raises(BoundaryError) as err:
        read_boundaries(path, level=level)
    p = _only(err)
    _named(p, column, value, named)
    assert p.feature == 1 and "not a GSO" not in p.message("en")


def test_the_cli_names_the_character_in_a_boundary_code(small_areas_url, tmp_path, capsys):
    path = _boundaries(tmp_path, "ward", ward_code="09541\u200b")
    assert main(["--db", small_areas_url, "--lang", "vi", "import-boundaries", str(path)]) == 1
    said = capsys.readouterr()
    assert f"6: {ZWSP}" in said.out + said.err and "vị trí" in said.out + said.err
