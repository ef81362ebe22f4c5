"""The map's names in Debian's Chromium: ward names drawn where they fit, never two on
top of each other (at the first zoom and after a keyboard zoom), district outlines, names
that stay put when the day changes and take no focus, and the same names as text."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.support.browser import ARTIFACTS, END, TIMEOUT_MS, open_map

pytestmark = pytest.mark.browser


LABEL_BOXES = """() => [...document.querySelectorAll('.vx-label')].map(e => {
  const r = e.getBoundingClientRect();
  return [e.className, e.textContent, r.left, r.top, r.right, r.bottom]; })"""


def _overlapping(labels: list) -> list:
    return [(a[1], b[1]) for i, a in enumerate(labels) for b in labels[i + 1:]
            if a[2] < b[4] and b[2] < a[4] and a[3] < b[5] and b[3] < a[5]]


def test_map_names_wards_and_outlines_districts(chromium, map_dashboard):
    """Ward names are drawn at the first zoom, no two names overlap (then or after a
    keyboard zoom), district outlines are drawn, the names stay put when the day
    changes, take no focus, and the same names are on the page as text."""
    from playwright.sync_api import expect

    base, areas, _drawn = map_dashboard
    page, frame, _requests, _dialogs = open_map(chromium, base, "/map")
    frame.wait_for_function("vx.counts().labels > 0", timeout=TIMEOUT_MS)
    labels = frame.evaluate(LABEL_BOXES)
    wards = set(areas.loc[areas["area_type"] == "ward", "ward_name"])
    named = {text for cls, text, *_ in labels if "vx-label-ward" in cls}
    assert named and all(n in wards or n.startswith("P. ") for n in named)
    assert _overlapping(labels) == []
    expect(frame.locator("path.vx-district")).to_have_count(areas["district_code"].nunique())
    assert frame.locator(".vx-labels[aria-hidden='true']").count() == 1
    assert frame.locator(".vx-labels [tabindex], .vx-labels a, .vx-labels button").count() == 0
    page.screenshot(path=str(ARTIFACTS / "map-8-labels.png"), full_page=True)

    frame.locator("#vx-day").focus()  # a new day recolours; the names do not move
    page.keyboard.press("ArrowLeft")
    expect(frame.locator("#vx-date")).to_have_text(f"{END - dt.timedelta(days=1):%d/%m/%Y}")
    assert frame.evaluate(LABEL_BOXES) == labels

    frame.locator("#vx-map").focus()  # Leaflet's keyboard zoom; the names are laid out again
    zoom = frame.evaluate("vx.zoom()")
    page.keyboard.press("Equal")
    frame.wait_for_function(f"vx.zoom() > {zoom}", timeout=TIMEOUT_MS)
    page.wait_for_timeout(600)
    again = frame.evaluate(LABEL_BOXES)
    assert again and again != labels and _overlapping(again) == []

    words = page.get_by_text("Bản đồ bằng lời", exact=False)
    expect(words).to_be_visible()
    text = page.locator("[data-testid='stMarkdownContainer']").all_inner_texts()
    assert all(any(w in t for t in text) for w in wards)  # every ward, by name, as text
    page.close()
