"""What the dashboard tests share: small hand-built stores, the demo store, a running
`streamlit run app.py` on a free port, and Debian's Chromium driven by Playwright.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pandas as pd
import shapely
from shapely.geometry import box

from data.store.database import Store, UploadMeta

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")
# Quiet Chromium: no background traffic that would pollute the "no outside request" check.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
XSS_NOTE = "<img src=x onerror=alert(1)>"
LEVEL_CYCLE = ("xanh", "da_cam", "do", "phong_toa")
END = dt.date(2021, 9, 30)
TIMEOUT_MS = 90_000  # a first page load at city scale on a busy machine
PHONE = {"width": 360, "height": 780}


def _units(n_wards: int) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    codes = [f"{90001 + i:05d}" for i in range(n_wards)]
    squares = [box(106.60 + 0.02 * (i % 4), 10.70 + 0.02 * (i // 4),
                   106.62 + 0.02 * (i % 4), 10.72 + 0.02 * (i // 4)) for i in range(n_wards)]
    wards = pd.DataFrame({
        "code": codes, "name": [f"Phường Thử {i + 1}" for i in range(n_wards)],
        "district_code": "901", "population": [1000 * (i + 1) for i in range(n_wards)],
        "geometry": [shapely.to_wkb(g) for g in squares], "geometry_crs": "EPSG:4326",
        "source_crs": "EPSG:4326",
    })
    provinces = pd.DataFrame({"code": ["99"], "name": ["Tỉnh Thử"]})
    districts = pd.DataFrame({"code": ["901"], "name": ["Quận Thử"], "province_code": ["99"]})
    return provinces, districts, wards


def small_store(url: str, n_wards: int = 5, days: int = 3, end: dt.date = END) -> Store:
    """Wards in a grid of squares, one report per ward per day except the last ward (no
    data: unknown); levels shift by one step each day, so another date looks different.
    The first ward's notes are an XSS attempt that every page must show escaped."""
    store = Store(url)
    store.upsert_units(*_units(n_wards))
    rows = []
    for d in range(days):
        day = end - dt.timedelta(days=days - 1 - d)
        for i in range(n_wards - 1):
            rows.append({"ward_code": f"{90001 + i:05d}", "block_code": "", "date": day,
                         "level": LEVEL_CYCLE[(i + d) % len(LEVEL_CYCLE)],
                         "new_cases": i + d, "tests_done": 100 * i,
                         "note": XSS_NOTE if i == 0 else None})
    meta = UploadMeta("test", "small.csv", f"{n_wards:064d}", 1)
    store.record_upload(meta, pd.DataFrame(rows), {"warnings": []})
    return store


def demo_store(url: str, wards: int = 4, blocks_per_ward: int = 5, days: int = 20) -> Store:
    """The built-in demo city, small, as the dashboard would generate it."""
    from data.demo.city import generate_demo, load_demo

    store = Store(url)
    city = generate_demo(wards=wards, blocks_per_ward=blocks_per_ward, days=days, end=END)
    load_demo(store, city)
    return store


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(base: str, proc: subprocess.Popen, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited early with status {proc.returncode}")
        # Local health URL we built ourselves (S310 is about arbitrary schemes).
        with contextlib.suppress(OSError), urllib.request.urlopen(  # noqa: S310
                f"{base}/_stcore/health", timeout=2) as r:
            if r.status == 200:
                return
        time.sleep(0.1)
    raise TimeoutError(f"streamlit did not answer {base}/_stcore/health in {timeout:.0f} s")


def stop(proc: subprocess.Popen) -> None:
    """End a server the tests started: politely, then for sure after 10 s."""
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@contextlib.contextmanager
def streamlit_process(db_url: str, log: Path, timeout: float = 60, env: dict | None = None):
    """`streamlit run app.py` on a free localhost port with the store at `db_url` and the
    settings in `env` on top: (process, base URL, perf_counter at its start), once healthy.
    The benchmarks start the dashboard with this too (bench/dashboard_speed.py)."""
    port = free_port()
    env = {**os.environ, "DATABASE_URL": db_url, "VUNGXANH_DB": db_url, **(env or {})}
    env.pop("VUNGXANH_TILES", None)  # the offline check needs a map without tiles
    cmd = [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
           "--server.headless", "true", "--server.port", str(port),
           "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"]
    with log.open("wb") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        try:
            wait_healthy(base, proc, timeout)
            yield proc, base, start
        finally:
            stop(proc)


@contextlib.contextmanager
def streamlit_server(db_url: str, log: Path, timeout: float = 60):
    """The dashboard's base URL, served as streamlit_process serves it."""
    with streamlit_process(db_url, log, timeout) as (_proc, base, _start):
        yield base


def launch_chromium(playwright):
    """Debian's Chromium, never a downloaded browser."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)


def map_args(at) -> tuple[dict, bytes]:
    """The zone map component's arguments in an AppTest run: (JSON arguments, the day's
    level bytes). AppTest sees a custom component as an element of type
    'component_instance', never as an iframe."""
    found = at.get("component_instance")
    assert len(found) == 1, f"expected one map component, found {len(found)}"
    proto = found[0].proto
    day = next((a.bytes for a in proto.special_args if a.key == "day"), b"")
    return json.loads(proto.json_args), day


def chromium_session():
    """Debian's Chromium under Playwright, for one test module's fixture (`yield from`).
    Skips with the reason when /usr/bin/chromium is missing, and fails instead under CI."""
    import os

    import pytest

    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} not found: the browser tests use Debian's chromium package"
        if os.environ.get("CI"):
            pytest.fail(f"{reason} (CI is set, so this must not be skipped)")
        pytest.skip(reason)
    sync_api = pytest.importorskip("playwright.sync_api")
    # A first page load on a busy machine takes longer than expect()'s 5 s default.
    sync_api.expect.set_options(timeout=TIMEOUT_MS)
    with sync_api.sync_playwright() as p:
        browser = launch_chromium(p)
        yield browser
        browser.close()


def open_map(chromium, base: str, path: str = "/map", phone: bool = False):
    """A page on the dashboard (a 1400 px screen, or a 360 px touch phone), recording every
    request and dialog; returns (page, map frame, requests, dialogs) once the map has
    drawn its wards."""
    if phone:
        page = chromium.new_context(viewport=PHONE, has_touch=True, is_mobile=True,
                                    device_scale_factor=2).new_page()
    else:
        page = chromium.new_page(viewport={"width": 1400, "height": 1000})
    requests, dialogs = [], []
    page.on("request", lambda r: requests.append(r.url))
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(base + path, timeout=TIMEOUT_MS)
    frame = page.wait_for_selector('iframe[src*="vxmap"]', timeout=TIMEOUT_MS).content_frame()
    frame.wait_for_function("window.vx && vx.S.cube && vx.counts().wards > 0",
                            timeout=TIMEOUT_MS)
    return page, frame, requests, dialogs


@contextlib.contextmanager
def demo_dashboard(folder: Path, name: str):
    """The small demo city (demo_store) in `folder`/`name`.db behind a running dashboard
    whose log is test-artifacts/streamlit-`name`.log: (base URL, store URL)."""
    url = f"sqlite:///{folder / f'{name}.db'}"
    demo_store(url).dispose()
    ARTIFACTS.mkdir(exist_ok=True)
    with streamlit_server(url, ARTIFACTS / f"streamlit-{name}.log") as base:
        yield base, url
