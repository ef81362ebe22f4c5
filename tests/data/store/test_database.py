"""The history store on SQLite and PostgreSQL: areas, uploads, replacement with history,
repeats, and the migrations agreeing with the schema the code queries."""

import datetime as dt

import pandas as pd
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from data.config.settings import database_url
from data.store.database import UploadMeta
from data.store.engine import MIGRATIONS
from data.store.revisions import at_head, head_revision
from data.store.schema import metadata
from tests.support.store_cases import load_units, rows

D1, D2 = dt.date(2021, 9, 1), dt.date(2021, 9, 2)


def meta(sha: str, user: str = "an") -> UploadMeta:
    return UploadMeta(user_name=user, file_name=f"{sha}.csv", sha256=sha * 64, size_bytes=10)


def test_the_head_read_from_the_files_is_alembics(store):
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    assert head_revision() == ScriptDirectory.from_config(cfg).get_current_head()
    assert at_head(store.engine)  # a new store was migrated to it
    with store.engine.begin() as c:
        c.execute(text("UPDATE alembic_version SET version_num = '0005'"))
    assert not at_head(store.engine)


def test_migrations_match_schema(store):
    with store.engine.connect() as c:
        diff = compare_metadata(MigrationContext.configure(c), metadata)
    assert diff == []


def test_areas_round_trip_keeps_codes_as_text(store):
    load_units(store)
    areas = store.areas()
    assert list(areas["ward_code"]) == ["90001", "90001", "90001", "90002"]
    assert list(areas["area_type"]) == ["ward", "block", "block", "ward"]
    assert areas.loc[1, "district_name"] == "Quận Một"
    assert store.known_areas() == {"90001": {"TDP01", "TDP02"}, "90002": set()}


def test_upsert_updates_names_and_population(store):
    load_units(store)
    store.upsert_units(pd.DataFrame(), pd.DataFrame(), pd.DataFrame(
        {"code": ["90002"], "name": ["Phường Hai Mới"], "district_code": ["901"],
         "population": [2500]}))
    w = store.areas().set_index(["ward_code", "block_code"])
    assert w.loc[("90002", ""), "ward_name"] == "Phường Hai Mới"
    assert w.loc[("90002", ""), "population"] == 2500


def test_reports_round_trip(store):
    load_units(store)
    r = rows(("90001", "", D1, "do", 2, 100, "ghi chú <b>"),
             ("90001", "TDP01", D1, "da_cam", None, None, None))
    out = store.record_upload(meta("a"), r, {})
    assert (out.outcome, out.changed, out.replaced) == ("accepted", 2, 0)
    back = store.reports()
    assert list(back["level"]) == ["do", "da_cam"]
    assert back.loc[0, "note"] == "ghi chú <b>"
    assert back.loc[0, "date"] == D1
    assert pd.isna(back.loc[1, "new_cases"]) and back.loc[1, "note"] is None
    assert store.date_range() == (D1, D1)


def test_replacement_keeps_earlier_value_with_who_and_sha(store):
    load_units(store)
    store.record_upload(meta("a", "an"), rows(("90001", "TDP01", D1, "do", 1, 0, None)), {})
    out = store.record_upload(meta("b", "binh"), rows(
        ("90001", "TDP01", D1, "da_cam", 1, 0, None),
        ("90001", "TDP02", D1, "xanh", 0, 0, None)), {})
    assert (out.changed, out.replaced) == (2, 1)
    assert store.reports().set_index("block_code").loc["TDP01", "level"] == "da_cam"
    hist = store.report_history("90001", "TDP01", D1)
    assert list(hist["level"]) == ["do"]
    assert hist.loc[0, "user_name"] == "an" and hist.loc[0, "sha256"] == "a" * 64


def test_unchanged_values_are_not_rewritten(store):
    load_units(store)
    r = rows(("90001", "TDP01", D1, "do", 1, 0, None))
    store.record_upload(meta("a"), r, {})
    out = store.record_upload(meta("c"), r, {})
    assert (out.outcome, out.changed) == ("accepted", 0)
    assert store.table_counts()["zone_report_history"] == 0


def test_same_file_again_is_a_repeat_and_changes_nothing(store):
    load_units(store)
    store.record_upload(meta("a"), rows(("90001", "TDP01", D1, "do", 1, 0, None)), {})
    before = store.reports()
    out = store.record_upload(meta("a"), rows(("90001", "TDP01", D1, "xanh", 0, 0, None)), {})
    assert out.outcome == "repeat" and out.changed == 0
    pd.testing.assert_frame_equal(store.reports(), before)
    assert list(store.uploads()["outcome"]) == ["accepted", "repeat"]


def test_failed_upload_rolls_back_everything(store):
    load_units(store)
    before = store.table_counts()
    bad = rows(("90001", "TDP01", D2, "do", 1, 0, None), ("99999", "", D2, "do", 1, 0, None))
    with pytest.raises(IntegrityError):  # the unknown ward breaks the foreign key mid-upload
        store.record_upload(meta("d"), bad, {})
    assert store.table_counts() == before


def test_resolve_url_order(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert database_url() == "sqlite:///vungxanh.db"
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://x@h/db")
    assert database_url() == "postgresql+psycopg://x@h/db"
    assert database_url("sqlite:///other.db") == "sqlite:///other.db"


def test_data_version_moves_with_every_change_and_only_then(store):
    load_units(store)
    v0 = store.data_version()
    store.reports(), store.areas(), store.date_range()
    assert store.data_version() == v0  # reading changes nothing
    store.record_upload(meta("a"), rows(("90001", "", D1, "do", 2, 100, None)), {})
    v1 = store.data_version()
    store.record_upload(meta("a"), rows(("90001", "", D1, "do", 2, 100, None)), {})
    v2 = store.data_version()  # a repeat is an upload too
    store.record_rounds(pd.DataFrame({"ward_code": ["90001"], "block_code": ["TDP01"],
                                      "date": [D2], "samples": [900]}), source="cli", user="an")
    assert len({v0, v1, v2, store.data_version()}) == 4
    assert store.count("wards") == 2 and store.count("zone_reports") == 1
