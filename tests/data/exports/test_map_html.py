"""The offline HTML map of one day (data/exports/map_html.py), on SQLite and PostgreSQL:
one feature per ward with its level, hostile ward names, notes and policy ids written
inert, nothing fetched from outside (Leaflet inlined, no tiles), a well-formed HTML
document with a title and a legend, and no file for a day without levels."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from html.parser import HTMLParser

import lxml.html
import pytest

from data.config.policy_files import load_policy
from data.exports.map_html import NoLevels, day_map_html
from data.store.database import Store
from geo.webmap.assets import leaflet_css, leaflet_js
from tests.support.checks import external_refs
from tests.support.map_html_cases import CODES, DAY, LEVELS, NAME, NOTE, features, hostile_city

POLICY = dataclasses.replace(load_policy(), id="<i>policy</i>")
VOID = {"meta", "link", "br", "img", "input", "hr", "area", "base", "col", "embed",
        "source", "track", "wbr", "param"}


@pytest.fixture
def city(store: Store) -> Store:
    return hostile_city(store)


class _Tags(HTMLParser):
    """Every start and end tag, for a check that they nest."""

    def __init__(self):
        super().__init__()
        self.stack: list[str] = []
        self.seen: list[str] = []
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.seen.append(tag)
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.seen.append(tag)

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
        else:
            self.stack.pop()


def test_every_ward_with_its_level(city):
    html = day_map_html(city, DAY, POLICY).decode("utf-8")
    got = {f["id"]: f["properties"]["level"] for f in features(html)}
    assert got == {**{c: LEVELS[i % 4] for i, c in enumerate(CODES[:-1])}, CODES[-1]: "unknown"}
    assert all(f'"ward_code": "{code}"' in html for code in CODES)
    assert 'id="vx-pattern-phong_toa"' in html and 'id="vx-pattern-unknown"' in html


def test_hostile_names_notes_and_policy_are_escaped(city):
    html = day_map_html(city, DAY, POLICY).decode("utf-8")
    for raw in (NAME, NOTE, "<img", "alert('name')</script>", "<i>policy</i>"):
        assert raw not in html, raw
    tip = {f["id"]: f["properties"]["tip"] for f in features(html)}[CODES[0]]
    assert "&lt;img src=x onerror=alert(1)&gt; &lt;/script&gt;" in tip
    assert "&lt;b&gt;Phường&lt;/b&gt;&lt;/script&gt;" in tip
    assert "&lt;i&gt;policy&lt;/i&gt;" in json.loads(f'"{_legend(html)}"')
    # Each </script> ends a script this file opened itself.
    assert html.lower().count("</script") == html.lower().count("<script")


def _legend(html: str) -> str:
    return re.search(r'div\.innerHTML = "((?:[^"\\]|\\.)*)";', html).group(1)


def test_nothing_is_fetched_from_outside(city):
    html = day_map_html(city, DAY, POLICY).decode("utf-8")
    assert external_refs(html) == []  # no <script src> or <link href> leaving the file
    assert leaflet_js()[:200] in html and "url(images/" not in html
    # Outside the inlined Leaflet (whose own code names its home page), no URL at all.
    ours = html.replace(leaflet_js(), "").replace(leaflet_css(), "")
    assert re.findall(r"(?:https?:)?//[\w.-]+\.\w+", ours) == []
    assert "L.tileLayer" not in html


def test_a_well_formed_document_with_title_and_legend(city):
    html = day_map_html(city, DAY, POLICY, lang="en").decode("utf-8")
    tags = _Tags()
    tags.feed(html)
    tags.close()
    assert tags.problems == [] and tags.stack == []
    assert [tags.seen.count(t) for t in ("html", "head", "body", "title")] == [1, 1, 1, 1]
    doc = lxml.html.document_fromstring(html)
    assert doc.findtext(".//title") == "Zone levels on 2021-09-30"
    legend = json.loads(f'"{_legend(html)}"')
    assert "2021-09-30" in legend and "Under policy &lt;i&gt;policy&lt;/i&gt;" in legend
    for name in ("Green", "Orange", "Red", "Lockdown", "No data"):
        assert name in legend, name
    vi = day_map_html(city, DAY, POLICY).decode("utf-8")
    assert lxml.html.document_fromstring(vi).findtext(".//title") == (
        "Bản đồ cấp độ vùng ngày 30/09/2021")
    assert "Vùng xanh (X)" in json.loads(f'"{_legend(vi)}"')


def test_no_file_for_a_day_without_levels(city):
    before = DAY - dt.timedelta(days=2)
    with pytest.raises(NoLevels, match="28/09/2021"):
        day_map_html(city, before, POLICY)
    later = DAY + dt.timedelta(days=POLICY.carry_forward_days + 1)
    with pytest.raises(NoLevels, match=later.isoformat()):
        day_map_html(city, later, POLICY, lang="en")
    carried = DAY + dt.timedelta(days=POLICY.carry_forward_days)
    assert features(day_map_html(city, carried, POLICY).decode("utf-8"))
