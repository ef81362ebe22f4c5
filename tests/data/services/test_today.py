"""The morning view (data.services.today) on the Hà Đông samples, held to recounts from
`export-levels` (data.exports.levels.levels_table, the row-by-row effective levels) and
from the stored report rows, for every day of the history; `cli.py today --json` prints
the same object."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest

from cli import main
from data.config.policy_files import load_policy
from data.exports.levels import levels_table
from data.services.today import morning
from data.store.database import Store
from zones.morning import SOURCE_NAMES, area_key
from zones.problems import Unsaid

FIRST, LAST = dt.date(2021, 8, 20), dt.date(2021, 9, 19)
# The wards of the three accepted files of 19/09 (samples/README.md): Mộ Lao, Quang
# Trung, Phúc La, Hà Cầu, Kiến Hưng, Phú Lãm.
SENT_19 = {"09541", "09550", "09553", "09556", "09565", "09568"}


@pytest.fixture(scope="module")
def hd(hadong_db):
    store = Store(hadong_db)
    yield store
    store.dispose()


@pytest.fixture(scope="module")
def policy():
    return load_policy()


def days():
    return [FIRST + dt.timedelta(days=i) for i in range((LAST - FIRST).days + 1)]


def export(store, day, policy) -> pd.DataFrame:
    return levels_table(store, day, policy)


def recount(levels: pd.DataFrame) -> list[dict]:
    """Areas and population by area type, level and source, from the export's rows."""
    src = levels["source"].map({"report": "fresh", "carried": "carried",
                                "rollup": "rolled_up", "none": "unknown"})
    pop = pd.to_numeric(levels["population"], errors="coerce").fillna(0).astype(int)
    frame = levels.assign(source=src, population=pop)
    g = frame.groupby(["area_type", "level", "source"])["population"].agg(["size", "sum"])
    return [{"area_type": t, "level": lv, "source": s, "areas": int(n), "population": int(p)}
            for (t, lv, s), (n, p) in g.iterrows()]


def sort_counts(rows):
    return sorted(rows, key=lambda r: (r["area_type"], r["level"], r["source"]))


def test_the_11_wards_without_a_file_on_19_09_are_named(hd, policy):
    m = morning(hd, LAST, policy)
    wards = set(hd.areas().query("area_type == 'ward'")["ward_code"])
    assert len(wards) == 17
    silent = {r["ward_code"] for r in m.not_reported}
    assert silent == wards - SENT_19
    assert len(silent) == 11
    assert set(m.reported) == SENT_19
    # Each silent ward last reported the day before (the history reaches 18/09).
    assert {r["last_reported"] for r in m.not_reported} == {"2021-09-18"}
    # Their areas show yesterday's level, carried forward: never "no data" as 0 when
    # data is missing, and never counted as fresh.
    carried = {k.split("/")[0] for k in m.carried}
    assert carried == silent


@pytest.mark.parametrize("day", days(), ids=str)
def test_counts_carried_and_reporting_equal_a_recount(hd, policy, day):
    m = morning(hd, day, policy)
    levels = export(hd, day, policy)
    assert sort_counts(m.counts) == sort_counts(recount(levels))
    stale = levels[levels["stale"]]
    assert sorted(m.carried) == sorted(area_key(w, b) for w, b in
                                       zip(stale["ward_code"], stale["block_code"], strict=True))
    rows = hd.reports(date_from=day, date_to=day)
    assert sorted(m.reported) == sorted(set(rows["ward_code"]))
    assert m.wards == 17 and len(m.reported) + len(m.not_reported) == 17


def test_changes_equal_the_export_of_two_days(hd, policy):
    day = dt.date(2021, 9, 10)
    since = dt.date(2021, 9, 3)
    m = morning(hd, day, policy, since=since)
    now, was = export(hd, day, policy), export(hd, since, policy)
    keys = [area_key(w, b) for w, b in zip(now["ward_code"], now["block_code"], strict=True)]
    moved = {k: (a, b) for k, a, b in zip(keys, was["level"], now["level"], strict=True)
             if a != b and "unknown" not in (a, b)}
    assert moved, "the sample history should move some area in a week"
    assert {c["area"]: (c["from"], c["to"]) for c in m.changes} == moved
    directions = {c["direction"] for c in m.changes}
    assert directions <= {"up", "down"}


def people_in(levels: pd.DataFrame, level: str) -> dict[str, int]:
    """People at `level` per ward: by block where any block of the ward has a known
    level that day, else by the ward's own level (the targets' rule)."""
    out = {}
    pop = pd.to_numeric(levels["population"], errors="coerce").fillna(0)
    for ward, rows in levels.assign(pop=pop).groupby("ward_code"):
        blocks = rows[rows["area_type"] == "block"]
        use = blocks if (blocks["level"] != "unknown").any() else rows[rows["area_type"] == "ward"]
        out[ward] = int(use.loc[use["level"] == level, "pop"].sum())
    return out


@pytest.mark.parametrize("day", [dt.date(2021, 9, 1), LAST], ids=str)
def test_ranking_equals_a_recount(hd, policy, day):
    m = morning(hd, day, policy)
    levels = export(hd, day, policy)
    red, locked = people_in(levels, "do"), people_in(levels, "phong_toa")
    assert m.unit_kind == "ward"  # one district: the wards are ranked
    got = {r["unit_code"]: (r["population_do"], r["population_phong_toa"]) for r in m.ranking}
    assert got == {w: (red[w], locked[w]) for w in red}
    worst = [r["population_do"] + r["population_phong_toa"] for r in m.ranking]
    assert worst == sorted(worst, reverse=True)


def test_cli_json_is_the_view_for_every_day(hadong_db, hd, policy, capsys):
    for day in days():
        assert main(["--db", hadong_db, "today", "--as-of", day.isoformat(), "--json"]) == 0
        printed = json.loads(capsys.readouterr().out)
        assert printed == json.loads(json.dumps(morning(hd, day, policy).as_json())), day
        assert set(printed) >= {"reported", "not_reported", "carried", "counts", "changes",
                                "ranking", "targets", "overdue"}


def test_cli_text_names_the_silent_wards_in_either_language(hadong_db, capsys):
    assert main(["--db", hadong_db, "today", "--as-of", "2021-09-19"]) == 0
    vi = capsys.readouterr().out
    assert "6/17 phường/xã" in vi and "Phường Biên Giang" in vi and "Chưa báo cáo (11)" in vi
    assert main(["--db", hadong_db, "--lang", "en", "today", "--as-of", "2021-09-19"]) == 0
    en = capsys.readouterr().out
    assert "6 of 17 wards" in en and "Not reported (11)" in en


def test_scopes_narrow_the_view(hd, policy):
    city = morning(hd, LAST, policy)
    district = morning(hd, LAST, policy, "district:268")
    assert district.not_reported == city.not_reported and district.counts == city.counts
    ward = morning(hd, LAST, policy, "ward:9538")  # a leading zero dropped is put back
    assert ward.scope == "ward:09538" and ward.wards == 1
    assert [r["ward_code"] for r in ward.not_reported] == ["09538"]
    assert all(k.split("/")[0] == "09538" for k in ward.carried)
    assert morning(hd, LAST, policy, "province:01").counts == city.counts


@pytest.mark.parametrize(("scope", "since", "day", "key"), [
    ("district:999", None, LAST, "request.scope.no_code"),
    ("province", None, LAST, "request.scope.needs_code"),
    ("city", LAST, LAST, "today.since_not_before"),
    ("city", None, dt.date(2021, 8, 1), "request.schedule.no_levels"),
])
def test_a_view_that_cannot_be_given_says_why(hd, policy, scope, since, day, key):
    with pytest.raises(Unsaid) as caught:
        morning(hd, day, policy, scope, since=since)
    assert caught.value.key == key


def test_cli_refuses_a_bad_scope_with_a_message(hadong_db, capsys):
    assert main(["--db", hadong_db, "today", "--scope", "district:abc"]) == 2
    err = capsys.readouterr().err
    assert "district:abc" in err and "chữ số" in err


def test_source_names_cover_every_source():
    assert set(SOURCE_NAMES.values()) == {"fresh", "carried", "rolled_up", "unknown"}


@pytest.mark.parametrize("day", [*days()[::3], LAST], ids=str)
def test_overdue_equals_the_schedule_rules_on_every_round(hd, policy, day):
    """The view reads rounds only as far back as it needs; the answer is that of every
    round on record (data.services.figures.rounds_until) through zones.rounds."""
    from data.services.figures import rounds_until
    from zones.rounds import round_table, sampling_units

    m = morning(hd, day, policy)
    levels = export(hd, day, policy)
    units = sampling_units(levels)
    table = round_table(units, rounds_until(hd, day, policy), day, policy)
    late = table[table["overdue_days"] > 0]
    want = {area_key(units.at[i, "ward_code"], units.at[i, "block_code"]): int(d)
            for i, d in zip(late.index, late["overdue_days"], strict=True)}
    assert {r["area"]: r["days_overdue"] for r in m.overdue} == want
