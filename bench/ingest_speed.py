"""Ingest speed: validate + store ~100,000 report rows, against a naive row-by-row ORM
ingest of the same file measured in the same run, on SQLite and (when reachable)
PostgreSQL.

    python bench/ingest_speed.py [--quick] [--json]

PostgreSQL at PG_ADMIN unreachable: its figure is printed without a value (never met),
and stderr says why.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
import tempfile
import uuid
from contextlib import contextmanager

from common import Figure, main, note, timed
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session, registry

from data.config.policy_files import load_policy
from data.demo.city import generate_demo
from data.ingest.zone_file import ingest_file
from data.store.database import Store
from data.store.schema import zone_reports
from zones.levels import REPORTABLE, parse_level

PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
TODAY = dt.date(2021, 12, 31)
GOAL_S = {"sqlite": 2.0, "postgresql": 3.0}
NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


class _Report:
    """The naive baseline's ORM class (mapped imperatively onto zone_reports)."""


registry().map_imperatively(_Report, zone_reports)


def city_units(wards: int, blocks: int):
    city = generate_demo(wards=wards, blocks_per_ward=blocks, days=1)
    wards_df = city.wards.drop(columns="geometry")
    blocks_df = city.blocks.drop(columns="geometry")
    return city.provinces, city.districts, wards_df, blocks_df


def daily_file(blocks_df, n_rows: int, seed: int = 7) -> bytes:
    """A canonical CSV of about n_rows block rows over consecutive days."""
    rng = random.Random(seed)
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["date", "ward_code", "block_code", "level", "new_cases", "tests_done", "note"])
    keys = list(zip(blocks_df["ward_code"], blocks_df["block_code"], strict=True))
    day, written = dt.date(2021, 9, 1), 0
    while written < n_rows:
        for ward, block in keys[: n_rows - written]:
            w.writerow([day.isoformat(), ward, block, rng.choice(REPORTABLE),
                        rng.randint(0, 3), rng.randint(0, 500), ""])
        written += min(len(keys), n_rows - written)
        day += dt.timedelta(days=1)
    return out.getvalue().encode("utf-8")


def naive_ingest(url: str, raw: bytes) -> int:
    """Parse row by row and add each row through the ORM, flushing each one."""
    engine = create_engine(url)
    rows = csv.DictReader(io.StringIO(raw.decode("utf-8")))
    with Session(engine) as session:
        upload_id = session.execute(text(
            "INSERT INTO uploads (user_name, uploaded_at, file_name, sha256, size_bytes, "
            "channel, rows, outcome, changed, report_json) VALUES ('bench', :t, 'naive', "
            "'x', 0, 'file', 0, 'accepted', 0, '{}') RETURNING id"), {"t": dt.datetime.now()}
        ).scalar_one()
        n = 0
        for r in rows:
            session.add(_Report(ward_code=r["ward_code"], block_code=r["block_code"],
                                date=dt.date.fromisoformat(r["date"]),
                                level=parse_level(r["level"]), new_cases=int(r["new_cases"]),
                                tests_done=int(r["tests_done"]), note=r["note"] or None,
                                upload_id=upload_id))
            session.flush()
            n += 1
        session.commit()
    engine.dispose()
    return n


@contextmanager
def store_at(kind: str, units):
    """A fresh store holding the city's areas: a temp SQLite file or a temp PG database."""
    with tempfile.TemporaryDirectory() as tmp:
        if kind == "sqlite":
            url = f"sqlite:///{tmp}/bench.db"
            yield _filled(url, units)
            return
        admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
        name = f"vx_bench_{uuid.uuid4().hex[:8]}"
        with admin.connect() as c:
            c.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield _filled(PG_ADMIN.rsplit("/", 1)[0] + f"/{name}", units)
        finally:
            with admin.connect() as c:
                c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


def _filled(url: str, units) -> Store:
    store = Store(url)
    provinces, districts, wards_df, blocks_df = units
    store.upsert_units(provinces, districts, wards_df)
    store.upsert_blocks(blocks_df)
    return store


def pg_reachable() -> bool:
    try:
        with create_engine(PG_ADMIN).connect() as c:
            c.execute(text("select 1"))
        return True
    except Exception:  # any failure to connect means: no PostgreSQL figure this run
        return False


def rows(quick: bool) -> int:
    return 10_000 if quick else 100_000


def planned(quick: bool) -> list[Figure]:
    return [Figure(f"ingest {rows(quick):,} rows, validate + store ({NAMES[kind]})", "s",
                   "row-by-row ORM inserts", GOAL_S[kind]) for kind in GOAL_S]


def measure(kind: str, plan: Figure, units, raw: bytes, n_rows: int) -> Figure:
    policy = load_policy()
    with store_at(kind, units) as store:
        ours, (report, _) = timed(ingest_file, store, raw, "bench.csv", user="bench",
                                  today=TODAY, policy=policy)
        assert report.accepted, report.errors[:3]
        store.dispose()
    with store_at(kind, units) as store:
        base, n = timed(naive_ingest, store.url, raw)
        assert n == n_rows
        store.dispose()
    return plan.measured(ours, base)


def figures(quick: bool, db: str | None = None) -> list[Figure]:
    """The store at `db` is not used: each run ingests into fresh stores of its own."""
    (wards, blocks), n_rows = ((40, 50) if quick else (312, 80)), rows(quick)
    units = city_units(wards, blocks)
    raw = daily_file(units[3], n_rows)
    sqlite, pg = planned(quick)
    out = [measure("sqlite", sqlite, units, raw, n_rows)]
    if pg_reachable():
        out.append(measure("postgresql", pg, units, raw, n_rows))
    else:
        note(f"ingest: PostgreSQL at {PG_ADMIN} is unreachable; its figure has no value")
        out.append(pg)
    return out


if __name__ == "__main__":
    main(__doc__, figures, planned)
