"""Migration 0009 (two tiers): a store made by the previous version upgrades, its wards
keeping their district and taking its province; then a ward without a district can be
stored beside them. On SQLite and PostgreSQL."""

import pandas as pd
import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import inspect, select, text

from data.store.database import Store
from data.store.engine import MIGRATIONS
from data.store.revisions import head_revision
from data.store.schema import wards
from tests.support.store_cases import load_units
from tests.support.two_tier import load_two_tier


def alembic(store: Store, action, revision: str) -> None:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with store.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        action(cfg, revision)


def test_a_store_of_the_previous_schema_upgrades(db_url):
    store = Store(db_url)
    load_units(store)
    alembic(store, command.downgrade, "0008")  # the store as the previous version left it
    with store.engine.connect() as c:
        assert "province_code" not in {col["name"] for col in inspect(c).get_columns("wards")}
        with pytest.raises(Exception), c.begin():  # noqa: B017 - NOT NULL, either dialect
            c.execute(text("INSERT INTO wards (code, name) VALUES ('1', 'x')"))
    reopened = Store(db_url)  # migrates to the head
    with reopened.engine.connect() as c:
        version = c.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
        rows = c.execute(select(wards.c.code, wards.c.district_code, wards.c.province_code)
                         .order_by(wards.c.code)).all()
    assert version == head_revision()  # 0009 and any revision after it
    assert [tuple(r) for r in rows] == [("90001", "901", "99"), ("90002", "901", "99")]
    load_two_tier(reopened)  # now a ward may sit in its province directly
    areas = reopened.areas().query("area_type == 'ward'").set_index("ward_code")
    assert areas.loc["26734", "district_code"] == "" and areas.loc["26734", "province_code"] == "79"
    assert areas.loc["90001", "district_name"] == "Quận Một"
    reopened.dispose()
    store.dispose()


def test_downgrade_refuses_wards_without_a_district(store):
    load_two_tier(store)
    with pytest.raises(RuntimeError, match="without a district"):
        alembic(store, command.downgrade, "0008")


def test_a_ward_moved_to_a_district_takes_its_province(store):
    load_units(store)
    store.upsert_units(pd.DataFrame({"code": ["98"], "name": ["Tỉnh Khác"]}),
                       pd.DataFrame({"code": ["981"], "name": ["Huyện"], "province_code": ["98"]}),
                       pd.DataFrame({"code": ["90002"], "name": ["Phường Hai"],
                                     "district_code": ["981"]}))
    areas = store.areas().set_index(["ward_code", "block_code"])
    assert areas.loc[("90002", ""), "province_code"] == "98"
    assert areas.loc[("90001", ""), "province_code"] == "99"
