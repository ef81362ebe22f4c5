"""The command line end to end: exit codes, and the Hà Đông samples giving exactly the
outcomes their README states (issue acceptance), on SQLite and PostgreSQL."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from cli import main
from data.store.database import Store

ROOT = Path(__file__).resolve().parents[2]
ERRORS_EXPECTED = {  # samples README, "The errors file"
    (6, "date"), (8, "level"), (10, "new_cases"), (12, "level"), (14, "tests_done"),
    (26, "block_code"), (27, "ward_code"), (28, "level"),
}
ACCEPTED = {
    "hadong_history_2021-08-20_2021-09-18.csv": 7752,
    "hadong_2021-09-19_mo-lao_quang-trung_vi.csv": 32,
    "hadong_2021-09-19_phuc-la_ha-cau.xlsx": 34,
    "hadong_2021-09-19_kien-hung_phu-lam_cp1258.csv": 31,
}


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def json_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


@pytest.mark.parametrize("argv", [
    [], ["no-such-command"], ["ingest"], ["demo", "--wards", "0"], ["demo", "--end", "30/09/2021"],
    ["export-levels"], ["export-levels", "--as-of", "2021-02-30"], ["ingest", "/no/such/file.csv"],
    ["--db", "nonsense://x", "demo"], ["--policy", "/no/such/policy.toml", "demo"],
])
def test_usage_errors_exit_2(argv, capsys, sqlite_url):
    argv = argv if "--db" in argv else ["--db", sqlite_url, *argv]
    with pytest.raises(SystemExit) as exc:
        sys.exit(main(argv))
    assert exc.value.code == 2
    assert capsys.readouterr().err.strip()


@pytest.fixture
def hadong(db_url, shared_data, capsys):
    """A store with the Hà Đông wards and blocks imported through the CLI."""
    b = shared_data / "boundaries" / "hanoi_hadong_wards_2021.geojson"
    assert run(capsys, "--db", db_url, "import-boundaries", b)[0] == 0
    assert run(capsys, "--db", db_url, "import-blocks",
               shared_data / "samples" / "hadong_blocks.csv")[0] == 0
    return db_url, shared_data / "samples"


def test_samples_give_the_stated_outcomes(hadong, capsys):
    db, samples = hadong
    code, out, _ = run(capsys, "--db", db, "ingest", "--json", "--user", "tester",
                       *[samples / f for f in ACCEPTED])
    assert code == 0
    results = {Path(r["file"]).name: r for r in json_lines(out)}
    for name, rows in ACCEPTED.items():
        r = results[name]
        assert (r["accepted"], r["rows"], r["warnings"], r["errors"]) == (True, rows, [], []), name

    store = Store(db)
    counts = store.table_counts()
    code, out, _ = run(capsys, "--db", db, "ingest", "--json",
                       samples / "hadong_2021-09-19_errors.csv")
    assert code == 1
    (r,) = json_lines(out)
    assert r["accepted"] is False and r["rows"] == 0
    assert {(e["row"], e["column"]) for e in r["errors"]} == ERRORS_EXPECTED
    assert all(e["reason"] and e["reason_vi"] for e in r["errors"])
    assert store.table_counts() == counts  # nothing stored, not even an upload row
    store.dispose()


def test_repeat_and_dry_run_change_nothing(hadong, capsys):
    db, samples = hadong
    f = samples / "hadong_2021-09-19_mo-lao_quang-trung_vi.csv"
    store = Store(db)
    before = store.table_counts()
    code, out, _ = run(capsys, "--db", db, "ingest", "--dry-run", "--json", f)
    assert code == 0 and json_lines(out)[0]["accepted"] is True
    assert store.table_counts() == before
    assert run(capsys, "--db", db, "ingest", f)[0] == 0
    values = store.reports()
    assert run(capsys, "--db", db, "ingest", f)[0] == 0
    assert store.reports().equals(values)
    assert list(store.uploads()["outcome"]) == ["accepted", "repeat"]
    store.dispose()


def test_mixed_files_exit_1_but_store_the_good_one(hadong, capsys):
    db, samples = hadong
    good = samples / "hadong_2021-09-19_phuc-la_ha-cau.xlsx"
    bad = samples / "hadong_2021-09-19_errors.csv"
    code, out, _ = run(capsys, "--db", db, "ingest", "--json", bad, good)
    assert code == 1
    assert [r["accepted"] for r in json_lines(out)] == [False, True]
    store = Store(db)
    assert len(store.reports()) == 34
    store.dispose()


def test_cli_runs_as_a_script(tmp_path):
    """`python cli.py` works from a shell (not only main() in-process)."""
    proc = subprocess.run(
        [sys.executable, str(ROOT / "cli.py"), "--db", f"sqlite:///{tmp_path}/s.db",
         "export-levels", "--as-of", "2021-09-30"],
        capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert proc.returncode == 2  # no store there: said plainly, and none made
    assert "demo" in proc.stderr and not (tmp_path / "s.db").exists()
