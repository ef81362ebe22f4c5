"""How fast the map changes day at city scale (312 wards × 80 blocks ≈ 25,000 blocks),
against the naive baseline measured in the same run: rebuilding the folium map.

    .venv/bin/python bench/map_speed.py [--db sqlite:///city.db] [--repeat 5]
    .venv/bin/python bench/map_speed.py --quick     # 40 wards × 20 blocks, 2 repeats

Payload: the fast map's files (zlib, sent once) against GeoDataFrame.explore()'s HTML,
gzipped. Per date, server side: one byte per area (+ legend table and arguments) against
that day's levels + a folium map of every ward and block + its HTML. In Debian's Chromium:
the component page served locally, driven as Streamlit drives it; slider → recoloured and
painted (city view, one district, zoomed in, all 25,000 blocks at once) and a day sent by
Python → painted, against Python's rebuild + Chromium loading the folium page until every
polygon is drawn. Goal: under 0.3 s and at least 10× faster than the baseline.
explore() itself needs mapclassify (not a project requirement); without it the folium.GeoJson
map explore() would build is measured instead, and the output says so.
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import functools
import gzip
import http.server
import json
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import geopandas as gpd
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from data.demo import generate_demo, load_demo
from data.policy_file import load_policy
from data.store import Store
from geo import fastmap
from geo.assets import build_component, write_content
from geo.mapbuild import build_level_map, level_summary, pattern_defs, render_html
from tests.browser_harness import launch_chromium
from ui.components.vxmap import SOURCE_DIR, component_text, level_table
from zones.effective import effective_levels

CACHE = Path(tempfile.gettempdir()) / "vungxanh-bench"


def city_store(url: str | None, wards: int, blocks: int) -> Store:
    """The store to measure: --db, else a demo city kept in the temp folder between runs."""
    if url:
        return Store(url)
    CACHE.mkdir(exist_ok=True)
    path = CACHE / f"city-{wards}x{blocks}.db"
    store = Store(f"sqlite:///{path}")
    if not store.table_counts()["wards"]:
        print(f"generating the demo city ({wards} wards × {blocks} blocks) in {path}…")
        load_demo(store, generate_demo(wards=wards, blocks_per_ward=blocks, days=60))
    return store


def timed(fn, *args, **kw):
    t0 = time.perf_counter()
    out = fn(*args, **kw)
    return out, time.perf_counter() - t0


def prepare(store: Store) -> dict:
    """Everything both maps need, read once (not part of any measured change)."""
    areas, reports = store.areas(), store.reports()
    first, last = store.date_range()
    policy = load_policy()
    geoms = fastmap.area_geometries(areas, store.geometries("ward"), store.geometries("block"))
    history, t_hist = timed(fastmap.map_history, areas, reports, first, last, policy)
    base, t_base = timed(fastmap.base_payload, areas, geoms, reports, first)
    files = {"base": fastmap.pack_json(base), "levels": fastmap.pack_levels(history),
             "details": fastmap.pack_details(history)}
    return {"areas": areas, "reports": reports, "policy": policy, "geoms": geoms, "base": base,
            "history": history, "files": files, "last": last, "once_s": t_hist + t_base}


def naive_frame(p: dict, levels) -> tuple[gpd.GeoDataFrame, object]:
    """Wards and blocks as features of one folium map (each keyed by its full code)."""
    areas, drawn = p["areas"], [g is not None for g in p["geoms"]]
    key = areas["ward_code"] + areas["block_code"].map(lambda b: f"/{b}" if b else "")
    frame = gpd.GeoDataFrame({
        "ward_code": key, "ward_name": areas["ward_name"].where(
            areas["block_code"] == "", areas["block_name"]),
        "population": areas["population"]}, geometry=list(p["geoms"]), crs="EPSG:4326")[drawn]
    return frame, levels.assign(ward_code=key, area_type="ward", block_code="")


def naive_change(p: dict, day: dt.date) -> tuple[str, float]:
    """The baseline's date change: that day's levels, a new folium map, its HTML."""
    t0 = time.perf_counter()
    levels = effective_levels(p["areas"], p["reports"][p["reports"]["date"] <= day], day,
                              p["policy"])
    frame, lv = naive_frame(p, levels)
    html = render_html(build_level_map(frame, lv, as_of=day, marks=False))
    return html, time.perf_counter() - t0


def explore_html(gdf: gpd.GeoDataFrame) -> tuple[bytes, str]:
    """GeoDataFrame.explore()'s page; without its optional packages (matplotlib,
    mapclassify), the folium.GeoJson map with tooltips it would have built."""
    fields = ["ward_code", "ward_name", "level"]
    try:
        m = gdf.explore(column="level", tooltip=fields)
        how = "GeoDataFrame.explore()"
    except ImportError:
        import folium

        m = folium.Map()
        folium.GeoJson(gdf, tooltip=folium.GeoJsonTooltip(fields)).add_to(m)
        how = "folium.GeoJson (explore() needs mapclassify)"
    return m.get_root().render().encode("utf-8"), how


def payload_sizes(p: dict) -> dict:
    frame, lv = naive_frame(p, fastmap.day_frame(p["history"], p["areas"], p["last"]))
    gdf = frame.merge(lv[["ward_code", "level", "stale", "level_since"]], on="ward_code")
    html, how = explore_html(gdf)
    ours = {k: len(v) for k, v in p["files"].items()}
    ours["geometry_only"] = len(fastmap.pack_json({k: p["base"][k] for k in ("geom", "pt")}))
    return {"ours_bytes": ours, "ours_total": ours["base"] + ours["levels"] + ours["details"],
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
    ours = [timed(ours_change, p, d, names)[1] for d in days]
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
    page.wait_for_function("window.vx && vx.S.cube && vx.counts().wards > 0", timeout=600_000)
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
    page.goto(f"{base_url}/bench-naive.html", timeout=900_000)
    page.wait_for_function(f"document.querySelectorAll('.leaflet-overlay-pane path').length"
                           f" >= {n_paths}", timeout=900_000, polling=200)
    page.evaluate("new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)))")
    return time.perf_counter() - t0


def browser(p: dict, naive_html: str, repeat: int) -> dict:
    from playwright.sync_api import sync_playwright

    folder = build_component(SOURCE_DIR, CACHE / "components", {"patterns": pattern_defs()})
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


def report(n: dict, sizes: dict, server: dict, chrome: dict, once_s: float) -> None:
    kb = lambda b: f"{b / 1024:,.0f} KB"  # noqa: E731
    naive_total = server["naive_s"] + chrome["naive_browser_s"]
    print(f"\nareas: {n['wards']} wards, {n['blocks']} blocks, {n['days']} days "
          f"(grids and files built once per data version in {once_s:.1f} s)")
    o = sizes["ours_bytes"]
    print(f"sent once   fast map {kb(sizes['ours_total'])} compressed (base {kb(o['base'])} of "
          f"which polygons {kb(o['geometry_only'])}, levels {kb(o['levels'])} for every day, "
          f"details {kb(o['details'])})\n            {sizes['explore_how']} HTML "
          f"{kb(sizes['explore_raw'])}, gzipped {kb(sizes['explore_gz'])} (one day, no details)"
          f" → {sizes['explore_gz'] / sizes['ours_total']:.1f}× smaller all in, polygons "
          f"{sizes['explore_gz'] / o['geometry_only']:.1f}× smaller")
    print(f"per date    fast map {server['ours_s'] * 1000:.1f} ms, {kb(server['ours_bytes'])}"
          f" | folium rebuild {server['naive_s']:.2f} s, {kb(server['naive_raw'])} "
          f"({kb(server['naive_gz'])} gzipped) → {server['naive_s'] / server['ours_s']:,.0f}×"
          f" faster, {server['naive_raw'] / server['ours_bytes']:,.0f}× less to send")
    for key, what in (("city", "slider, city view"), ("district", "slider, one district"),
                      ("zoomed", "slider, zoomed in"), ("all", "slider, ALL blocks drawn")):
        ms, drawn = chrome[f"{key}_ms"], chrome[f"{key}_drawn"]
        print(f"Chromium    {what:<26} {ms:7.1f} ms  (script {chrome[f'{key}_work_ms']:.1f} ms;"
              f" {drawn['wards']} wards, {drawn['blocks']} blocks drawn) → "
              f"{naive_total * 1000 / ms:,.0f}× faster")
    print(f"Chromium    new day from Python       {chrome['python_day_ms']:7.1f} ms  "
          f"(render message → painted; the Streamlit rerun comes on top)")
    print(f"baseline    folium rebuild {server['naive_s']:.2f} s + Chromium load/draw "
          f"{chrome['naive_browser_s']:.2f} s = {naive_total:.2f} s")
    worst = max(chrome[f"{k}_ms"] for k in ("city", "district", "zoomed"))
    met = worst < 300 and naive_total * 1000 / worst >= 10
    print(f"goal        < 300 ms and ≥ 10× faster: {'met' if met else 'NOT met'} "
          f"(worst ordinary view {worst:.1f} ms)")


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", help="store URL (default: a demo city in the temp folder)")
    ap.add_argument("--quick", action="store_true", help="40 wards × 20 blocks, 2 repeats")
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args(argv)
    wards, blocks = (40, 20) if args.quick else (312, 80)
    repeat = 2 if args.quick else args.repeat
    p = prepare(city_store(args.db, wards, blocks))
    kinds = p["areas"]["area_type"].value_counts()
    n = {"wards": kinds.get("ward", 0), "blocks": kinds.get("block", 0),
         "days": p["history"].days}
    sizes = payload_sizes(p)
    days = [p["last"] - dt.timedelta(days=i) for i in range(repeat)]
    server = server_side(p, days)
    chrome = browser(p, server.pop("naive_html"), repeat)
    report(n, sizes, server, chrome, p["once_s"])
    print(json.dumps({"sizes": sizes, "server": server, "chromium": chrome}, default=str))


if __name__ == "__main__":
    main()
