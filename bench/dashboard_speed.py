"""The dashboard as a user meets it at city scale: cold start (`streamlit run app.py` to
the map's polygons drawn in Debian's Chromium) and the server's peak memory after the
map, morning view, trends, targets and schedule pages have each been shown once.

    python bench/dashboard_speed.py [--quick] [--json] [--db sqlite:///city.db]

Chromium is started first (a user's browser is already open), then the clock starts with
the server process. The component cache is a fresh folder each time. The store keeps the
map's files (data.store.map_files) once they are made, as it does for a dashboard restarted on
its data: the cold start is the median of three starts with them kept, and a fourth start
with them dropped first (a start right after an import or a day's upload) is reported
beside it. Memory is the peak resident set (VmHWM in /proc) of the server and any
children. No goal on the page times: they are reported because first loads at city scale
are slow.
"""

from __future__ import annotations

import contextlib
import statistics
import tempfile
import time
from pathlib import Path

from common import Figure, city_store, main, note
from sqlalchemy import delete

from data.store.schema import derived_files
from tests.support.browser import launch_chromium, streamlit_process

PAGES = ("today", "trends", "targets", "schedule")
TIMEOUT_S = 300  # first page loads at city scale take tens of seconds: report, never cap
READY = '[data-testid="stApp"][data-test-script-state="notRunning"]'
MAP_FRAME = 'iframe[src*="vxmap"]'


def planned(quick: bool) -> list[Figure]:
    return [Figure("cold start: streamlit run to map drawn in Chromium", "s", limit=5),
            Figure("cold start with the map's files not kept yet", "s"),
            Figure("dashboard memory: peak RSS after 5 pages", "MiB", limit=1024),
            *(Figure(f"page shown after the map: {p}", "s") for p in PAGES)]


def dashboard(db_url: str, cache: str, log: Path):
    """`streamlit run app.py` on a free port: (process, base URL, start time)."""
    return streamlit_process(db_url, log, TIMEOUT_S,
                             env={"VUNGXANH_CACHE": cache,
                                  "VUNGXANH_LOG_FILE": str(log.with_suffix(".errors.log"))})


def _family(pid: int) -> list[int]:
    """The process and its descendants, from /proc (children of every thread)."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        for task in Path(f"/proc/{p}/task").glob("*"):
            with contextlib.suppress(OSError):
                todo += [int(c) for c in (task / "children").read_text().split()]
    return out


def peak_rss_mib(pid: int) -> float:
    """Summed VmHWM (each process's peak resident set) of `pid` and its children."""
    total_kb = 0
    for p in _family(pid):
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    total_kb += int(line.split()[1])
    return total_kb / 1024


def _errors(page):
    """An uncaught exception, or app.py's message with an incident reference (Vietnamese)."""
    return page.locator('[data-testid="stException"]').or_(page.get_by_text("Mã tham chiếu:"))


def _report_error(page, path: str) -> str:
    shot = Path(tempfile.gettempdir()) / f"vungxanh-bench-{path or 'map'}.png"
    page.screenshot(path=str(shot), full_page=True)
    return (f"the {path or 'map'} page shows an error: "
            f"{_errors(page).first.inner_text()[:200]!r} (screenshot {shot})")


def map_drawn(page) -> None:
    """Wait for the map's ward polygons; raise at once if the page shows an error."""
    page.locator(MAP_FRAME).or_(_errors(page)).first.wait_for(state="attached")
    if _errors(page).count():
        raise RuntimeError(_report_error(page, ""))
    frame = page.wait_for_selector(MAP_FRAME).content_frame()
    frame.wait_for_selector("path.vx-ward", state="attached")


def show(page, base: str, path: str) -> float:
    """Seconds from asking for a page to its script run ended (errors go to stderr)."""
    t0 = time.perf_counter()
    page.goto(f"{base}/{path}")
    page.wait_for_selector(READY, state="attached")
    took = time.perf_counter() - t0
    if _errors(page).count():
        note(f"dashboard: {_report_error(page, path)}")
    return took


def measure(url: str, log: Path, pages: bool = True) -> dict:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw, tempfile.TemporaryDirectory() as cache:
        chromium = launch_chromium(pw)
        page = chromium.new_page(viewport={"width": 1400, "height": 900})
        page.set_default_timeout(TIMEOUT_S * 1000)
        with dashboard(url, cache, log) as (proc, base, start):
            healthy = time.perf_counter() - start
            page.goto(f"{base}/map")
            map_drawn(page)
            out = {"cold_s": time.perf_counter() - start, "healthy_s": healthy,
                   "steps": [("map", peak_rss_mib(proc.pid))]}
            for p in PAGES if pages else ():  # the peak after each says which page costs
                out[p] = show(page, base, p)
                out["steps"].append((p, peak_rss_mib(proc.pid)))
            out["rss_mib"] = peak_rss_mib(proc.pid)
        chromium.close()
    return out


def figures(quick: bool, db: str | None = None) -> list[Figure]:
    store = city_store(db, quick)
    url = store.url
    counts = store.table_counts()
    with store.engine.begin() as c:  # the first start makes them: measured on its own
        c.execute(delete(derived_files))
    store.dispose()
    log = Path(tempfile.gettempdir()) / "vungxanh-bench-streamlit.log"
    fresh = measure(url, log, pages=False)["cold_s"]
    starts = [measure(url, log, pages=False)["cold_s"] for _ in range(1 if quick else 2)]
    m = measure(url, log)
    cold = statistics.median([*starts, m["cold_s"]])
    note(f"dashboard: {counts['wards']} wards, {counts['blocks']} blocks, "
         f"{counts['zone_reports']:,} reports; server healthy after {m['healthy_s']:.1f} s, "
         f"map drawn after " + ", ".join(f"{x:.2f}" for x in [*starts, m["cold_s"]])
         + f" s (median {cold:.2f} s), {fresh:.2f} s with the map's files made first; "
         + ", ".join(f"{p} {m[p]:.1f} s" for p in PAGES)
         + "; peak RSS after " + ", ".join(f"{p} {mib:,.0f}" for p, mib in m["steps"])
         + f" MiB (server logs: {log}, "
         f"{log.with_suffix('.errors.log')})")
    kept, made, rss, *pages = planned(quick)
    return [kept.measured(cold), made.measured(fresh), rss.measured(m["rss_mib"]),
            *(f.measured(m[p]) for f, p in zip(pages, PAGES, strict=True))]


if __name__ == "__main__":
    main(__doc__, figures, planned)
