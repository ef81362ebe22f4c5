"""`targets` and `trends` from the CLI agree with a recount from `export-levels` of the
same date (issue acceptance), on the demo city."""

import json

import pandas as pd
import pytest

from cli import main
from data.store.database import Store

AS_OF = "2021-09-10"


def export(tmp_path, url) -> pd.DataFrame:
    out = tmp_path / "levels.csv"
    assert main(["--db", url, "export-levels", "--as-of", AS_OF, "-o", str(out)]) == 0
    return pd.read_csv(out, dtype=str, encoding="utf-8-sig", keep_default_na=False)


def recount(levels: pd.DataFrame, unit: str, codes: list[str]) -> float:
    """The share a targets metric names, counted by hand from the export."""
    if unit == "wards":
        w = levels[levels["area_type"] == "ward"]
        return (w["level"].isin(codes)).sum() / len(w)
    if unit == "blocks":
        b = levels[levels["area_type"] == "block"]
        return (b["level"].isin(codes)).sum() / len(b)
    b = levels[levels["area_type"] == "block"]  # every demo ward has blocks with levels
    pop = b["population"].astype(int)
    return pop[b["level"].isin(codes)].sum() / pop.sum()


def test_targets_match_a_recount_from_export_levels(cli_demo_db, capsys, tmp_path):
    levels = export(tmp_path, cli_demo_db)
    assert main(["--db", cli_demo_db, "targets", "--as-of", AS_OF, "--json"]) == 0
    targets = json.loads(capsys.readouterr().out)
    assert len(targets) >= 4
    checked = 0
    for t in targets:
        assert t["status"] in {"met", "on_track", "at_risk", "missed", "not_applicable"}
        assert {"id", "title", "scope", "metric", "goal", "current", "start_value", "progress",
                "trend_7d", "trend_14d", "projected_date", "deadline", "source"} <= set(t)
        # The demo is province 99: the HCMC and Hà Nội targets do not apply to it.
        assert (t["status"] == "not_applicable") == (t["scope_key"] != "province:99"), t
        if t["scope_key"] != "province:99":
            continue
        codes = {"green": ["xanh"], "phong_toa": ["phong_toa"],
                 "red_or_worse": ["do", "phong_toa"]}
        key = next(k for k in codes if k in t["metric"])
        value = recount(levels, t["unit"], codes[key])
        if t["kind"] == "count":
            unit_rows = levels[levels["area_type"] == t["unit"].rstrip("s")]
            value = (unit_rows["level"].isin(codes[key])).sum()
        assert t["current"] == pytest.approx(value, abs=1e-6), t["id"]
        checked += 1
    assert checked >= 4


def test_trends_day_matches_export(cli_demo_db, capsys, tmp_path):
    levels = export(tmp_path, cli_demo_db)
    assert main(["--db", cli_demo_db, "trends", "--from", AS_OF, "--to", AS_OF,
                 "--format", "json"]) == 0
    rows = pd.DataFrame(json.loads(capsys.readouterr().out))
    blocks = levels[levels["area_type"] == "block"]
    for code in ("xanh", "da_cam", "do", "phong_toa"):
        assert rows[f"blocks_{code}"].sum() == (blocks["level"] == code).sum()
    wards = levels[levels["area_type"] == "ward"]
    assert rows["wards_xanh"].sum() == (wards["level"] == "xanh").sum()


def test_bad_targets_file_and_empty_store(tmp_path, capsys):
    bad = tmp_path / "t.toml"
    bad.write_text('id = "x"\n', encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'e.db'}"
    Store(url).dispose()  # an empty store (a read command makes none)
    assert main(["--db", url, "--lang", "en", "targets", "--as-of", AS_OF,
                 "--targets", str(bad)]) == 2
    assert "targets file" in capsys.readouterr().err
    assert main(["--db", url, "targets", "--as-of", AS_OF]) == 1
