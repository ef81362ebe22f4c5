"""Morning view speed at city scale: the dashboard's first page as its server makes it.

- first view: `data.services.today.morning` for the store's last day, the city, with the
  areas held (the page gets them from the map's cache), nothing else kept in memory;
  against the naive baseline of bench/baselines/today_rows.py (report rows, effective
  levels row by row, every round from the whole history), measured in the same run;
- the page in Streamlit's AppTest (the script run on the server, no browser): its first
  view after the map, its rerun after a widget change that needs no new figures (the
  language), and its rerun after choosing one district (new figures, for fewer areas).

    python bench/today_speed.py [--quick] [--json] [--db sqlite:///city.db]

The view's figures and the baseline's must agree (silent wards, carried areas, changes,
overdue units); the run fails loudly if they do not.
"""

from __future__ import annotations

import os
import statistics
import time

from common import ROOT, Figure, city_store, main, note, timed

from data.config.policy_files import load_policy
from data.services.today import morning

FIRST_GOAL_S, RERUN_GOAL_S = 1.0, 0.3


def planned(quick: bool) -> list[Figure]:
    return [Figure("morning view: first view (figures), city", "s",
                   "report rows and row-by-row levels", FIRST_GOAL_S),
            Figure("morning view page: first view after the map (AppTest)", "s",
                   limit=FIRST_GOAL_S),
            Figure("morning view page: rerun after a widget change (language)", "s",
                   limit=RERUN_GOAL_S),
            Figure("morning view page: rerun after choosing a district", "s")]


def check_same(view, naive: dict) -> None:
    ours = {"not_reported": sorted(r["ward_code"] for r in view.not_reported),
            "carried": len(view.carried), "changes": len(view.changes),
            "overdue": len(view.overdue)}
    theirs = {k: naive[k] for k in ours}
    if ours != theirs:
        raise AssertionError(f"morning view disagrees with the naive recount: {ours} vs "
                             f"{theirs}")


def _page_times(url: str, repeat: int) -> tuple[float, float, float]:
    """(first view after the map, rerun after the language changed, rerun after a
    district was chosen), medians over `repeat` fresh AppTests."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from tests.support.apptest import goto

    os.environ["DATABASE_URL"] = url
    first, lang, district = [], [], []
    for _ in range(repeat):
        st.cache_data.clear()
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
        goto(at, "map")  # the map first: the areas and the store are cached, as in use
        t0 = time.perf_counter()
        goto(at, "today")
        first.append(time.perf_counter() - t0)
        assert not at.exception, at.exception
        t0 = time.perf_counter()
        at.sidebar.radio(key="lang").set_value("en").run()
        lang.append(time.perf_counter() - t0)
        options = at.selectbox(key="today_scope").options
        pick = next(o for o in options if o not in ("the whole city", "toàn thành phố"))
        t0 = time.perf_counter()
        at.selectbox(key="today_scope").select(pick).run()
        district.append(time.perf_counter() - t0)
        assert not at.exception, at.exception
    return statistics.median(first), statistics.median(lang), statistics.median(district)


def figures(quick: bool, db: str | None = None) -> list[Figure]:
    from baselines.today_rows import naive_view  # after common has put the repo on the path

    store = city_store(db, quick)
    policy = load_policy()
    areas = store.areas()
    _first, last = store.date_range()
    repeat = 2 if quick else 5
    ours, view = timed(lambda: morning(store, last, policy, areas=areas), repeat=repeat,
                       budget_s=20)
    base, naive = timed(naive_view, store, last, policy, repeat=1)
    check_same(view, naive)
    note(f"morning view of {last}: {view.wards} wards, {len(areas)} areas; ours "
         f"{ours:.3f} s, naive {base:.2f} s; silent wards, carried areas, changes and "
         f"overdue units agree")
    page_first, page_lang, page_district = _page_times(store.url, 1 if quick else 3)
    store.dispose()
    values = (ours, page_first, page_lang, page_district)
    baselines = (base, None, None, None)
    return [f.measured(v, b) for f, v, b in zip(planned(quick), values, baselines,
                                                 strict=True)]


if __name__ == "__main__":
    main(__doc__, figures, planned)
