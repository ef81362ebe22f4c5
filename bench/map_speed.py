"""How fast the map changes day at city scale (312 wards × 80 blocks ≈ 25,000 blocks),
against the naive baseline measured in the same run: rebuilding the folium map
(bench/baselines/folium_rebuild.py).

    .venv/bin/python bench/map_speed.py [--db sqlite:///city.db] [--quick] [--json]

Payload: the fast map's files (zlib, sent once) against GeoDataFrame.explore()'s HTML,
gzipped. Per date, server side: one byte per area (+ legend table and arguments) against
that day's levels + a folium map of every ward and block + its HTML. In Debian's Chromium:
the component page served locally, driven as Streamlit drives it; slider → recoloured and
painted (city view, one district, zoomed in, all 25,000 blocks at once) and a day sent by
Python → painted, against Python's rebuild + Chromium loading the folium page until every
polygon is drawn. --quick: the small city, 2 repeats instead of 5.
explore() itself needs mapclassify and matplotlib (not project requirements); without them
the folium.GeoJson map explore() would build is measured instead, and the baseline's
description says so.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import functools
import gzip
import http.server
import json
import statistics
import threading
import time
from pathlib import Path

import numpy as np
from baselines.folium_rebuild import explore_html, naive_change, naive_frame
from common import CACHE, Figure, city_store, main, note, timed

from data.config.policy_files import load_policy
from data.store.database import Store
from geo.style import level_summary
from geo.webmap import history as fastmap
from geo.webmap.assets import build_component, write_content
from geo.webmap.geometry_file import area_geometries
from geo.webmap.payload import base_payload, names_payload, pack_json
from tests.support.browser import launch_chromium
from ui.components.vxmap import SOURCE_DIR, component_text, level_table, page_slots
from zones.areas import area_keys

MB, KB = 1024 * 1024, 1024
BROWSER_TIMEOUT_MS = 900_000
REBUILD = "folium map rebuilt"
REDRAWN = "folium map rebuilt + drawn in Chromium"


def planned(quick: bool) -> list[Figure]:
    return [
        Figure("map payload sent once, gzipped", "MB", "GeoDataFrame.explore() HTML, gzipped",
               3),
        Figure("date change, server work", "ms", REBUILD, 50),
        Figure("date change, payload sent", "KB", f"{REBUILD}: its HTML", 100),
        Figure("date change seen in Chromium (worst view)", "s", REDRAWN, 0.3),
        Figure("date change seen in Chromium, all blocks drawn", "s", REDRAWN),
        Figure("new day from Python, painted in Chromium", "s", REDRAWN),
    ]


def prepare(store: Store) -> dict:
    """Everything both maps need, read once (not part of any measured change); the
    history as the dashboard makes it, from the store's report grids."""
    areas, reports, (first, last) = store.areas(), store.reports(), store.date_range()
    policy = load_policy()
    geoms = area_geometries(areas, store.geometries("ward"), store.geometries("block"))
    lead = first - dt.timedelta(days=policy.carry_forward_days)
    grids = store.report_grids(area_keys(areas), lead, last)
    t_hist, history = timed(fastmap.map_history_of_grids, areas, *grids, lead, first, last,
                            policy)
    t_base, base = timed(base_payload, areas, geoms, reports, first)
    names = names_payload(areas, reports, first)  # the page's two files of `base`
    files = {"geometry": pack_json({k: v for k, v in base.items() if k not in names}),
             "base": pack_json(names), "levels": fastmap.pack_levels(history),
             "details": fastmap.pack_details(history)}
    return {"areas": areas, "reports": reports, "policy": policy, "geoms": geoms, "base": base,
            "history": history, "files": files, "last": last, "once_s": t_hist + t_base}


def payload_sizes(p: dict) -> dict:
    frame, lv = naive_frame(p, fastmap.day_frame(p["history"], p["areas"], p["last"]))
    gdf = frame.merge(lv[["ward_code", "level", "stale", "level_since"]], on="ward_code")
    gdf["level_since"] = gdf["level_since"].astype(str)  # as explore() writes dates
    html, how = explore_html(gdf)
    ours = {k: len(v) for k, v in p["files"].items()}
    return {"ours_bytes": ours, "ours_total": sum(ours.values()),
            "explore_how": how,
            "explore_raw": len(html), "explore_gz": len(gzip.compress(html, 6))}


def ours_change(p: dict, day: dt.date, names: dict) -> int:
    """The fast map's server work for a new day, as ui/map_page does it on each rerun
    (Streamlit's own rerun cost aside): the day's bytes, the legend's table, the args."""
    row = fastmap.day_row(p["history"], day)
    frame = p["areas"][["area_type", "population"]].assign(
        level=fastmap.level_codes(np.frombuffer(row, dtype=np.uint8)))
    for kind in ("ward", "block"):
        level_summary(frame[frame["area_type"] == kind])
    args = render_args(p, names, day)[0]
    return len(row) + len(json.dumps(args, ensure_ascii=False).encode())


def server_side(p: dict, days: list[dt.date]) -> dict:
    names = {k: f"{k}-0123456789abcdef01234567.bin" for k in p["files"]}
    ours = [timed(ours_change, p, d, names)[0] for d in days]
    sent = ours_change(p, days[-1], names)
    html, naive_s = naive_change(p, days[-1])
    return {"ours_s": statistics.median(ours), "ours_bytes": sent,
            "naive_s": naive_s, "naive_raw": len(html.encode()),
            "naive_gz": len(gzip.compress(html.encode(), 6)), "naive_html": html}


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *_args) -> None:
        pass


@functools.cache
def _serve(folder: str) -> str:
    handler = functools.partial(_Quiet, directory=folder)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}"


RENDER_JS = """([args, day]) => { args.day = Uint8Array.from(atob(day), c => c.charCodeAt(0));
  window.__t0 = performance.now(); window.__n = window.vx ? vx.S.stats.count : 0;
  window.postMessage({type: "streamlit:render", args: args}, "*"); }"""


def render_args(p: dict, names: dict, day: dt.date, district: str = "") -> list:
    h = p["history"]
    args = {**names, "days": h.days, "date": day.isoformat(), "district": district,
            "focus": [], "focus_key": district, "lang": "vi", "text": component_text("vi"),
            "level_table": level_table(), "policy": p["policy"].id, "tiles": None}
    return [args, base64.b64encode(fastmap.day_row(h, day)).decode()]


def slider_ms(page, h, repeat: int) -> tuple[float, float]:
    """Median ms from a day asked for to the map recoloured and painted, and of our own
    script's share of it. Days alternate between two weeks apart, so colours change."""
    far, near = max(0, h.days - 15), h.days - 1
    total, work = [], []
    for i in range(repeat * 2):
        total.append(page.evaluate(f"vx.timeDay({far if i % 2 == 0 else near})"))
        work.append(page.evaluate("vx.S.stats.work"))
    return statistics.median(total), statistics.median(work)


def ours_in_chromium(page, p: dict, base_url: str, names: dict, repeat: int) -> dict:
    h, last = p["history"], p["last"]
    page.goto(f"{base_url}/index.html")
    page.evaluate(RENDER_JS, render_args(p, names, last))
    page.wait_for_function("window.vx && vx.S.cube && vx.counts().wards > 0",
                           timeout=BROWSER_TIMEOUT_MS)
    out = {}
    measure(page, h, repeat, "city", out)
    python_ms = []  # Python sends another day: render message → recoloured and painted
    for i in range(repeat):
        day = last - dt.timedelta(days=14 * ((i + 1) % 2))
        page.evaluate(RENDER_JS, render_args(p, names, day))
        page.wait_for_function("vx.S.stats.count > window.__n")
        python_ms.append(page.evaluate("vx.S.stats.at - window.__t0"))
    out["python_day_ms"] = statistics.median(python_ms)
    district = p["areas"]["district_code"].iloc[0]
    page.evaluate(RENDER_JS, render_args(p, names, last, district))
    page.wait_for_function("vx.counts().blocks > 0")
    measure(page, h, repeat, "district", out)
    page.evaluate(RENDER_JS, render_args(p, names, last, ""))
    page.wait_for_function("vx.S.scope === '' && vx.counts().blocks === 0")
    page.wait_for_timeout(800)  # the fit to the whole city has finished
    page.evaluate("vx.S.map.setZoom(vx.S.base.block_zoom + 0.5, {animate: false})")
    page.wait_for_function("vx.counts().blocks > 0")
    measure(page, h, repeat, "zoomed", out)
    page.evaluate("vx.S.map.setZoom(vx.S.base.block_zoom - 4, {animate: false});"
                  "vx.loadAllBlocks()")
    page.wait_for_timeout(500)
    measure(page, h, max(2, repeat // 2), "all", out)
    return out


def measure(page, h, repeat: int, key: str, out: dict) -> None:
    page.wait_for_timeout(1000)  # let a zoom animation and the first draw of new paths end
    out[f"{key}_ms"], out[f"{key}_work_ms"] = slider_ms(page, h, repeat)
    out[f"{key}_drawn"] = page.evaluate("vx.counts()")


def naive_in_chromium(page, folder: Path, base_url: str, html: str, n_paths: int) -> float:
    (folder / "bench-naive.html").write_text(html, encoding="utf-8")
    t0 = time.perf_counter()
    page.goto(f"{base_url}/bench-naive.html", timeout=BROWSER_TIMEOUT_MS)
    page.wait_for_function(f"document.querySelectorAll('.leaflet-overlay-pane path').length"
                           f" >= {n_paths}", timeout=BROWSER_TIMEOUT_MS, polling=200)
    page.evaluate("new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)))")
    return time.perf_counter() - t0


def browser(p: dict, naive_html: str, repeat: int) -> dict:
    from playwright.sync_api import sync_playwright

    folder = build_component(SOURCE_DIR, CACHE / "components", page_slots())
    names = {k: write_content(folder, v, f"bench-{k}") for k, v in p["files"].items()}
    base_url = _serve(str(folder))
    n_paths = sum(g is not None for g in p["geoms"])
    with sync_playwright() as pw:
        chromium = launch_chromium(pw)
        page = chromium.new_page(viewport={"width": 1400, "height": 900})
        out = ours_in_chromium(page, p, base_url, names, repeat)
        page.close()
        page = chromium.new_page(viewport={"width": 1400, "height": 900})
        out["naive_browser_s"] = naive_in_chromium(page, folder, base_url, naive_html, n_paths)
        chromium.close()
    return out


def details(n: dict, sizes: dict, server: dict, chrome: dict, once_s: float) -> None:
    """What the figures are made of, for a human (stderr)."""
    o = sizes["ours_bytes"]
    note(f"map: {n['wards']} wards, {n['blocks']} blocks, {n['days']} days; grids and files "
         f"built once per data version in {once_s:.1f} s\n"
         f"map: sent once {sizes['ours_total'] / KB:,.0f} KB (polygons "
         f"{o['geometry'] / KB:,.0f} KB, names and notes {o['base'] / KB:,.0f} KB; levels of "
         f"every day {o['levels'] / KB:,.0f} KB; details {o['details'] / KB:,.0f} KB) against "
         f"{sizes['explore_how']} {sizes['explore_raw'] / KB:,.0f} KB, gzipped "
         f"{sizes['explore_gz'] / KB:,.0f} KB (one day, no details)\n"
         f"map: per date {server['ours_s'] * 1000:.1f} ms, {server['ours_bytes'] / KB:.1f} KB "
         f"against a folium rebuild of {server['naive_s']:.2f} s, "
         f"{server['naive_raw'] / KB:,.0f} KB ({server['naive_gz'] / KB:,.0f} KB gzipped)")
    for key in ("city", "district", "zoomed", "all"):
        drawn = chrome[f"{key}_drawn"]
        note(f"map: Chromium slider, {key:<8} {chrome[f'{key}_ms']:7.1f} ms (script "
             f"{chrome[f'{key}_work_ms']:.1f} ms; {drawn['wards']} wards, {drawn['blocks']} "
             f"blocks drawn)")
    note(f"map: Chromium, new day from Python {chrome['python_day_ms']:.1f} ms (render "
         f"message → painted; the Streamlit rerun comes on top); baseline folium rebuild "
         f"{server['naive_s']:.2f} s + Chromium load/draw {chrome['naive_browser_s']:.2f} s")


def figures(quick: bool, db: str | None = None) -> list[Figure]:
    repeat = 2 if quick else 5
    p = prepare(city_store(db, quick))
    kinds = p["areas"]["area_type"].value_counts()
    n = {"wards": kinds.get("ward", 0), "blocks": kinds.get("block", 0),
         "days": p["history"].days}
    sizes = payload_sizes(p)
    days = [p["last"] - dt.timedelta(days=i) for i in range(repeat)]
    server = server_side(p, days)
    chrome = browser(p, server.pop("naive_html"), repeat)
    details(n, sizes, server, chrome, p["once_s"])
    naive_s = server["naive_s"] + chrome["naive_browser_s"]
    worst_ms = max(chrome[f"{k}_ms"] for k in ("city", "district", "zoomed"))
    payload, work, sent, seen, seen_all, python = planned(quick)
    payload = dataclasses.replace(payload, baseline=f"{sizes['explore_how']}, gzipped")
    return [payload.measured(sizes["ours_total"] / MB, sizes["explore_gz"] / MB),
            work.measured(server["ours_s"] * 1000, server["naive_s"] * 1000),
            sent.measured(server["ours_bytes"] / KB, server["naive_raw"] / KB),
            seen.measured(worst_ms / 1000, naive_s),
            seen_all.measured(chrome["all_ms"] / 1000, naive_s),
            python.measured(chrome["python_day_ms"] / 1000, naive_s)]


if __name__ == "__main__":
    main(__doc__, figures, planned)
