"""A code, date or count cell holding a character that is invisible (a zero-width space,
a BOM inside a line, a soft hyphen…) or a digit other than 0–9 (full-width, Arabic-Indic)
looks right and is not: the file is refused naming each such character by its code
point, its Unicode name and its 1-based position in the value as written, in Vietnamese
and English, instead of "unknown ward code" or "bad date". Nothing is changed silently:
the value is refused, never repaired."""

from __future__ import annotations

import pytest

from cli import main
from data.ingest.zone_file import ingest_file, validate_bytes
from tests.support.ingest_files import (
    CANONICAL,
    POLICY,
    SMALL_AREAS,
    TODAY,
    load_small_areas,
    row,
    zone_csv,
)


def _errors(raw: bytes):
    report = validate_bytes(raw, "f.csv", SMALL_AREAS, TODAY, POLICY)
    assert not report.accepted and report.rows is None
    return report.errors


def _only(**cell):
    errors = _errors(zone_csv([row(**cell)]))
    assert len(errors) == 1, [str(p) for p in errors]
    return errors[0]


@pytest.mark.parametrize(("cell", "column", "named"), [
    ({"ward": "90001\u200b"}, "ward_code", "6: U+200B ZERO WIDTH SPACE"),
    ({"ward": "\ufeff90001"}, "ward_code", "1: U+FEFF ZERO WIDTH NO-BREAK SPACE"),
    ({"ward": "9\u20600001"}, "ward_code", "2: U+2060 WORD JOINER"),
    ({"ward": "\uff19\uff10\uff10\uff10\uff11"}, "ward_code",
     "1: U+FF19 FULLWIDTH DIGIT NINE; 2: U+FF10 FULLWIDTH DIGIT ZERO"),
    ({"block": "TDP\u200d01"}, "block_code", "4: U+200D ZERO WIDTH JOINER"),
    ({"block": "TDP0\u00ad1"}, "block_code", "5: U+00AD SOFT HYPHEN"),
    ({"date": "19/09/2021\u200c"}, "date", "11: U+200C ZERO WIDTH NON-JOINER"),
    ({"date": "\uff11\uff19/09/2021"}, "date",
     "1: U+FF11 FULLWIDTH DIGIT ONE; 2: U+FF19 FULLWIDTH DIGIT NINE"),
    ({"cases": "\u0663"}, "new_cases", "1: U+0663 ARABIC-INDIC DIGIT THREE"),
    ({"tests": "1\u06f2"}, "tests_done", "2: U+06F2 EXTENDED ARABIC-INDIC DIGIT TWO"),
    ({"level": "xanh\u200b"}, "level", "5: U+200B ZERO WIDTH SPACE"),
])
def test_each_odd_character_is_named_with_its_position(cell, column, named):
    p = _only(**cell)
    assert p.column == column and p.row == 2
    assert p.value == next(iter(cell.values()))  # the value as written, not repaired
    english, vietnamese = p.message("en"), p.message("vi")
    assert named in english and named in vietnamese, english
    assert "position" in english and "vị trí" in vietnamese
    assert "unknown" not in english and "bad date" not in english and "not an integer" \
        not in english


def test_a_bom_inside_a_line_is_named_where_it_is():
    """A second file pasted after the first brings its BOM into the middle of the text:
    at the start of a line, and inside one."""
    text = zone_csv([row()]).decode() + "\ufeff" + ",".join(row(block="TDP02")) + "\n" + \
        ",".join(row(block="A1", ward="90001\ufeff")) + "\n"
    errors = _errors(text.encode("utf-8"))
    assert [(p.row, p.column) for p in errors] == [(3, "date"), (4, "ward_code")]
    assert "1: U+FEFF ZERO WIDTH NO-BREAK SPACE" in errors[0].message("en")
    assert "6: U+FEFF ZERO WIDTH NO-BREAK SPACE" in errors[1].message("vi")


def test_many_odd_characters_are_listed_up_to_a_few():
    p = _only(date="\uff12\uff10\uff12\uff11-\uff10\uff19-\uff11\uff19")
    message = p.message("en")
    assert "1: U+FF12 FULLWIDTH DIGIT TWO" in message and message.count("U+") == 6
    assert "…" in message


def test_a_note_may_hold_any_character():
    report = validate_bytes(zone_csv([row(note="tổ 1\u200b👩\u200d⚕️ ٣")]), "f.csv",
                            SMALL_AREAS, TODAY, POLICY)
    assert report.accepted


def test_the_file_is_refused_whole_and_nothing_is_stored(store):
    load_small_areas(store)
    before = store.table_counts()
    raw = zone_csv([row(), row(block="TDP02", ward="90001\u200b")], CANONICAL)
    report, outcome = ingest_file(store, raw, "f.csv", user="Lan", today=TODAY, policy=POLICY)
    assert not report.accepted and outcome is None
    assert store.table_counts() == before


@pytest.mark.parametrize(("lang", "says"), [("en", "position"), ("vi", "vị trí")])
def test_the_cli_names_the_character(small_areas_url, tmp_path, capsys, lang, says):
    bad = tmp_path / "bad.csv"
    bad.write_bytes(zone_csv([row(ward="90001\u200b")]))
    assert main(["--db", small_areas_url, "--lang", lang, "ingest", str(bad)]) == 1
    out = capsys.readouterr().out
    assert "'90001\\u200b'" in out and "6: U+200B ZERO WIDTH SPACE" in out and says in out


def test_a_rounds_file_names_the_character_too(small_areas_url, tmp_path, capsys):
    rounds = tmp_path / "rounds.csv"
    rounds.write_text("ward_code,block_code,date,samples\n90001\u200b,,2021-09-19,5\n"
                      "90001,TDP01,2021-09-\uff11\uff19,5\n", encoding="utf-8")
    assert main(["--db", small_areas_url, "--lang", "en", "record-rounds", str(rounds)]) == 1
    err = capsys.readouterr().err
    assert "6: U+200B ZERO WIDTH SPACE" in err and "9: U+FF11 FULLWIDTH DIGIT ONE" in err


def test_a_blocks_table_names_other_digits_in_a_population(tmp_path):
    from data.ingest.blocks import BlocksError, read_blocks_csv

    path = tmp_path / "blocks.csv"
    path.write_text("ward_code,block_code,block_name,population\n"
                    "90001,TDP01,Tổ 1,\u0661\u0662\u0660\n", encoding="utf-8")
    with pytest.raises(BlocksError) as err:
        read_blocks_csv(path)
    [p] = err.value.problems
    assert p.column == "population" and "1: U+0661 ARABIC-INDIC DIGIT ONE" in p.message("vi")
