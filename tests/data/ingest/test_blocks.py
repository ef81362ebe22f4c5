"""import-blocks: the blocks table CSV, accepted whole or refused whole with every problem
and its spreadsheet row."""

from __future__ import annotations

import pytest

from data.ingest.blocks import BlocksError, import_blocks_csv, read_blocks_csv
from data.ingest.boundaries import import_boundaries

HADONG = "boundaries/hanoi_hadong_wards_2021.geojson"
BLOCKS = "samples/hadong_blocks.csv"
HEADER = "ward_code,block_code,block_name,population\n"


@pytest.fixture
def hadong_store(store, shared_data):
    import_boundaries(store, shared_data / HADONG)
    return store


def write(tmp_path, body: str, *, name="blocks.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(body.encode(encoding))
    return path


def refused(path, known_wards=None) -> list[tuple]:
    with pytest.raises(BlocksError) as err:
        read_blocks_csv(path, known_wards=known_wards)
    assert all(p.reason and p.reason_vi for p in err.value.problems)
    return [(p.row, p.column, p.value) for p in err.value.problems]


def test_sample_blocks_match_ward_populations(hadong_store, shared_data):
    summary = import_blocks_csv(hadong_store, shared_data / BLOCKS)
    assert (summary.blocks, summary.wards, summary.population) == (242, 17, 397_854)
    assert (summary.inserted, summary.updated, summary.warnings) == (242, 0, [])
    areas = hadong_store.areas()
    block_sums = areas[areas.area_type == "block"].groupby("ward_code")["population"].sum()
    ward_pops = areas[areas.area_type == "ward"].set_index("ward_code")["population"]
    assert block_sums.to_dict() == ward_pops.to_dict()
    assert set(hadong_store.known_areas()["10123"]) == {f"TDP{i:02d}" for i in range(1, 9)}
    assert "TDP20" in hadong_store.known_areas()["09541"]
    again = import_blocks_csv(hadong_store, shared_data / BLOCKS)
    assert (again.inserted, again.updated) == (0, 242)


def test_bom_semicolons_and_vietnamese_header(tmp_path):
    path = write(tmp_path, "\ufeffMã phường;Mã tổ;Tên tổ;Dân số\r\n"
                           "9541;TDP01;To\u0302\u0309 da\u0302n pho\u0302\u0301 1;1200.0\r\n")
    table, warnings = read_blocks_csv(path, known_wards={"09541"})
    assert table.to_dict("records") == [{"ward_code": "09541", "block_code": "TDP01",
                                         "block_name": "Tổ dân phố 1", "population": 1200}]
    assert warnings == []


def test_every_problem_with_its_spreadsheet_row(hadong_store, tmp_path):
    body = HEADER + (
        "09541,TDP01,Tổ 1,100\n"            # row 2: fine
        "\n"                                # row 3: blank, skipped, still counted
        '09541,TDP02,"Tổ\n2",-5\n'          # row 4: a cell over two lines is one row
        "09541,TDP03,,2.5\n"                # row 5: missing name, not an integer
        "9541,TDP01,Tổ 1 again,3\n"         # row 6: same block as row 2 after padding
        "09540,TDP01,Tổ 1,10\n"             # row 7: unknown ward
        "95A1,TDP01,Tổ 1,10\n"              # row 8: not a ward code
        f"09542,{'X' * 33},Tổ dài,10\n"     # row 9: block code too long
        "09542,TDP01,Tổ 1,\"3,5\",extra\n"  # row 10: decimal comma, a cell past the header
    )
    path = write(tmp_path, body)
    counts = hadong_store.table_counts()
    with pytest.raises(BlocksError) as err:
        import_blocks_csv(hadong_store, path)
    assert [(p.row, p.column, p.value) for p in err.value.problems] == [
        (4, "population", "-5"),
        (5, "block_name", ""), (5, "population", "2.5"),
        (6, "block_code", "09541/TDP01"),
        (7, "ward_code", "09540"),
        (8, "ward_code", "95A1"),
        (9, "block_code", "X" * 33),
        (10, None, "extra"), (10, "population", "3,5"),
    ]
    reasons = {p.row: p.reason for p in err.value.problems}
    assert "rows 2 and 6" in reasons[6] and "negative" in reasons[4]
    assert "unknown ward" in reasons[7]
    assert hadong_store.table_counts() == counts


def test_header_problems(tmp_path):
    assert refused(write(tmp_path, "ward_code,ma_to,block_code,block_name\n")) == [
        (1, "block_code", "ma_to, block_code"), (1, "population", "")]


@pytest.mark.parametrize("content, reason", [
    (b"", "not a table"),
    (b"\n\n", "not a table"),
    # Windows-1258 as Excel writes it: "Phường" is 50 68 FD F5 CC 6E 67
    (HEADER.encode() + b"09541,TDP01,Ph\xfd\xf5\xccng,5\n",
     "not UTF-8 text (line 2, byte offset 57)"),
])
def test_files_that_are_not_a_blocks_table(tmp_path, content, reason):
    path = tmp_path / "x.csv"
    path.write_bytes(content)
    with pytest.raises(BlocksError) as err:
        read_blocks_csv(path)
    [problem] = err.value.problems
    assert problem.row is None and reason in problem.reason


def test_header_only_and_unknown_columns_warn(tmp_path):
    table, warnings = read_blocks_csv(write(tmp_path, HEADER.strip() + ",ghi_chu\n"))
    assert len(table) == 0
    assert warnings == ["column ignored: 'ghi_chu'", "the file has a header but no rows: 0 blocks"]
