"""The report packs (data.store.packs): whatever uploads do, reading the packs gives exactly
what reading zone_reports row by row gives, on SQLite and PostgreSQL; a rebuild and the
migration from a store without packs give the same; the grids agree with the rows."""


import numpy as np
import pandas as pd
import pytest
from alembic import command
from alembic.config import Config
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from data.store import packs
from data.store.database import Store
from data.store.engine import MIGRATIONS
from data.store.schema import report_packs
from tests.support.store_cases import AREAS, DAYS, load_units, send, upload
from zones.areas import area_keys
from zones.effective import rank_of_levels


def same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True),
                                  check_dtype=False)


def pack_rows(store: Store) -> list:
    with store.engine.connect() as c:
        return sorted(tuple(r) for r in c.execute(report_packs.select()))


@settings(max_examples=25, deadline=None, phases=[Phase.explicit, Phase.reuse, Phase.generate],
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(uploads=st.lists(upload, min_size=1, max_size=4))
def test_packs_read_what_the_rows_hold(tmp_path_factory, uploads):
    store = Store(f"sqlite:///{tmp_path_factory.mktemp('packs')}/p.db")
    load_units(store)
    for k, recs in enumerate(uploads):
        send(store, recs, k)
    same(store.reports(), store.reports_by_row())
    lo, hi = DAYS[1], DAYS[3]
    same(store.reports(lo, hi), store.reports_by_row(lo, hi))
    only = store.reports(ward_codes=["90002"])
    same(only, store.reports_by_row().query("ward_code == '90002'"))
    before = pack_rows(store)
    assert store.repack() == len(store.reports_by_row())
    assert pack_rows(store) == before


def test_grids_agree_with_rows(store):
    load_units(store)
    send(store, [(AREAS[0], DAYS[0], "do", 3, None, "a"), (AREAS[1], DAYS[2], "xanh", None, 7,
                                                            None),
                 (AREAS[3], DAYS[4], "phong_toa", 0, 0, None)], 1)
    send(store, [(AREAS[1], DAYS[2], "da_cam", 1, 2, None)], 2)  # replaces one value
    areas = store.areas()
    keys = area_keys(areas)
    rank, counts, sent = store.report_grids(keys, DAYS[0], DAYS[4])
    rows = store.reports_by_row()
    expect = np.zeros_like(rank)
    cases = np.full(rank.shape, np.nan)
    for r in rows.itertuples():
        i, j = keys.get_loc((r.ward_code, r.block_code)), (r.date - DAYS[0]).days
        expect[i, j] = rank_of_levels([r.level])[0]
        cases[i, j] = np.nan if pd.isna(r.new_cases) else r.new_cases
    assert (rank == expect).all() and (sent == (expect > 0)).all()
    assert np.array_equal(counts["new_cases"], cases, equal_nan=True)
    assert rank[keys.get_loc(("90001", "TDP01")), (DAYS[2] - DAYS[0]).days] == \
        rank_of_levels(["da_cam"])[0]


def test_rejected_or_repeated_upload_leaves_packs_alone(store):
    load_units(store)
    send(store, [(AREAS[0], DAYS[0], "do", 3, None, None)], 1)
    before = pack_rows(store)
    send(store, [(AREAS[0], DAYS[0], "do", 3, None, None)], 1)  # the same file: a repeat
    assert pack_rows(store) == before
    with pytest.raises(Exception):  # noqa: B017 - any refusal: unknown ward key
        send(store, [(("99999", ""), DAYS[0], "do", 1, 1, None)], 2)
    assert pack_rows(store) == before


def test_migration_builds_packs_for_a_store_made_before_them(sqlite_url):
    store = Store(sqlite_url)
    load_units(store)
    send(store, [(AREAS[0], DAYS[0], "do", 3, None, "ghi chú"),
                 (AREAS[2], DAYS[3], "xanh", 1, 2, None)], 1)
    made = pack_rows(store)
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with store.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0003")
    reopened = Store(sqlite_url)  # migrates to the head again: packs built from the rows
    assert pack_rows(reopened) == made
    same(reopened.reports(), reopened.reports_by_row())


def test_pack_of_an_unknown_format_is_refused(store):
    load_units(store)
    send(store, [(AREAS[0], DAYS[0], "do", 3, None, None)], 1)
    with store.engine.begin() as c:
        c.execute(report_packs.update().values(format=99))
    with pytest.raises(ValueError, match="repack"):
        store.reports()
    assert packs.FORMAT != 99


def test_cli_repack_rebuilds_and_checks(sqlite_url, capsys):
    import cli

    store = Store(sqlite_url)
    load_units(store)
    send(store, [(AREAS[0], DAYS[0], "do", 3, None, "ghi chú"),
                 (AREAS[1], DAYS[2], "xanh", None, 4, None)], 1)
    with store.engine.begin() as c:  # packs lost: the reads come back empty until repack
        c.execute(report_packs.delete())
    assert store.reports().empty
    assert cli.main(["--db", sqlite_url, "--lang", "en", "repack"]) == 0
    assert "2 reports packed; read back the same" in capsys.readouterr().out
    same(store.reports(), store.reports_by_row())
