"""Acceptance on the demo city (6 wards of 5 blocks, 40 days to 30 Sep 2021): a weekly
district report and a monthly city report, whose figures equal a recount from
export-levels and the store and the dashboard's own figures (data/services/figures.py), written
as DOCX, PDF and XLSX; the first page of each document is rendered to PNG in
test-artifacts/ (pdftoppm; LibreOffice for the DOCX) for a person to look at."""

from __future__ import annotations

import datetime as dt
import io
import math
import os
import shutil
import subprocess
from pathlib import Path

import docx
import matplotlib
import openpyxl
import pandas as pd
import pytest
from pypdf import PdfReader

from data.config.policy_files import load_policy
from data.demo.city import generate_demo, load_demo
from data.exports.levels import levels_table
from data.reports.run import gather, run_report
from data.services.figures import levels_on, trends_between
from data.store.database import Store
from geo.style import level_summary, ward_levels
from tests.support.fixtures import unavailable
from tests.support.paths import ROOT

POLICY = load_policy()
TODAY = dt.date(2021, 10, 15)
REPORTS = {"district-week": ("district:901", "week:2021-W38"),
           "city-month": ("city", "month:2021-09")}
ARTIFACTS = ROOT / "test-artifacts"


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Store:
    store = Store(f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.db'}")
    load_demo(store, generate_demo(wards=6, blocks_per_ward=5, days=40, policy=POLICY))
    yield store
    store.dispose()


@pytest.fixture(scope="module")
def contents(demo) -> dict:
    return {k: gather(demo, POLICY, *REPORTS[k], today=TODAY) for k in REPORTS}


def _in_scope(df: pd.DataFrame, scope: str) -> pd.DataFrame:
    kind, _, code = scope.partition(":")
    return df if kind == "city" else df[df[f"{kind}_code"] == code]


def _recount(table: pd.DataFrame) -> dict[str, dict[str, int]]:
    """Wards, blocks and people per level from an export-levels table; people at the
    finest level known (a ward's blocks when any has data, else the ward)."""
    wards, blocks = table[table["area_type"] == "ward"], table[table["area_type"] == "block"]
    people: dict[str, int] = {}
    for w in wards.itertuples():
        own = blocks[blocks["ward_code"] == w.ward_code]
        for p in (own if (own["level"] != "unknown").any() else wards.loc[[w.Index]]).itertuples():
            people[p.level] = people.get(p.level, 0) + int(p.population)
    return {"wards": wards["level"].value_counts().to_dict(),
            "blocks": blocks["level"].value_counts().to_dict(),
            "population": {k: v for k, v in people.items() if v}}


def _headline(content, suffix: str = "") -> dict[str, dict[str, int]]:
    h = content.headline
    return {unit: {lv: int(n) for lv, n in zip(h["level"], h[unit + suffix], strict=True) if n}
            for unit in ("wards", "blocks", "population")}


@pytest.mark.parametrize("key", REPORTS)
def test_levels_equal_a_recount_of_export_levels(demo, contents, key):
    c, scope = contents[key], REPORTS[key][0]
    end = _recount(_in_scope(levels_table(demo, c.period.end, POLICY), scope))
    start = _recount(_in_scope(levels_table(demo, c.period.baseline, POLICY), scope))
    assert _headline(c) == end
    assert _headline(c, "_start") == start
    assert sum(end["wards"].values()) == (c.areas["area_type"] == "ward").sum()


@pytest.mark.parametrize("key", REPORTS)
def test_numbers_match_the_dashboard(demo, contents, key):
    """The map page's summary (wards per level) and the trends page (people per level,
    cases and tests) for the same days, both through data/services/figures.py."""
    c, scope = contents[key], REPORTS[key][0]
    district = scope.partition(":")[2] or None
    summary = level_summary(ward_levels(_in_scope(levels_on(demo, c.period.end, POLICY), scope)))
    assert dict(zip(summary["level"], summary["count"], strict=True)) == dict(
        zip(c.headline["level"], c.headline["wards"], strict=True))
    t = trends_between(demo, c.period.start, c.period.end, POLICY, district=district)
    last = t.levels[t.levels["date"] == c.period.end].groupby("level")["population"].sum()
    assert {lv: n for lv, n in last.items() if n} == _headline(c)["population"]
    assert int(t.counts["new_cases"].sum()) == c.counts.total["new_cases"]
    assert int(t.counts["tests_done"].sum()) == c.counts.total["tests_done"]


@pytest.mark.parametrize("key", REPORTS)
def test_missing_reports_and_rounds_equal_a_recount_of_the_store(demo, contents, key):
    c, scope = contents[key], REPORTS[key][0]
    rows = demo.reports(date_from=c.period.start, date_to=c.period.end)
    rows = rows[rows["ward_code"].isin(set(c.areas["ward_code"]))]
    sent = set(zip(rows["ward_code"], rows["date"], strict=True))
    wards = sorted(set(c.areas["ward_code"]))
    silent = {(w, d) for w in wards for d in c.period.dates() if (w, d) not in sent}
    listed = {(m.ward_code, d) for m in c.missing.itertuples() for d in m.dates}
    assert listed == silent
    # Every demo ward reports through blocks: a round is a block-day with tests reaching
    # 90 % of the block's people (no round is recorded directly in the demo).
    pop = _in_scope(demo.areas(), scope).set_index(["ward_code", "block_code"])["population"]
    blocks = rows[rows["block_code"] != ""]
    need = [math.ceil(POLICY.round_min_coverage * pop[(w, b)] - 1e-9)
            for w, b in zip(blocks["ward_code"], blocks["block_code"], strict=True)]
    assert c.rounds.total["done"] == int((blocks["tests_done"] >= need).sum())


@pytest.mark.parametrize("key", REPORTS)
def test_every_change_is_dated_and_ends_at_the_last_level(demo, contents, key):
    c, scope = contents[key], REPORTS[key][0]
    end = _in_scope(levels_table(demo, c.period.end, POLICY), scope)
    end = end.set_index(["ward_code", "block_code"])["level"]
    assert c.changes["date"].between(c.period.start, c.period.end).all()
    last = c.changes.groupby(["ward_code", "block_code"]).tail(1)
    for r in last.itertuples():
        if end[(r.ward_code, r.block_code)] != "unknown":
            assert r.to_level == end[(r.ward_code, r.block_code)], r


def _render_pdf_page(pdf: bytes, name: str) -> None:
    if shutil.which("pdftoppm") is None:
        unavailable("pdftoppm not found: apt-get install poppler-utils")
    ARTIFACTS.mkdir(exist_ok=True)
    subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", "-",
                    str(ARTIFACTS / name)], input=pdf, check=True, timeout=120)
    assert (ARTIFACTS / f"{name}.png").stat().st_size > 10_000


def _docx_to_pdf(data: bytes, tmp_path, **env: str) -> bytes:
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is None:
        unavailable("LibreOffice not found: apt-get install libreoffice-writer-nogui")
    source = tmp_path / "report.docx"
    source.write_bytes(data)
    # A profile of its own: a LibreOffice already running for someone else is not reused.
    profile = f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}"
    subprocess.run([office, profile, "--headless", "--convert-to", "pdf", "--outdir",
                    str(tmp_path), str(source)], check=True, timeout=180,
                   capture_output=True, env={**os.environ, "HOME": str(tmp_path), **env})
    return (tmp_path / "report.pdf").read_bytes()


def _write(demo, key: str, fmt: str) -> bytes:
    out = io.BytesIO()
    run_report(demo, POLICY, *REPORTS[key], fmt, out, today=TODAY)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"report-{key}.{fmt}").write_bytes(out.getvalue())
    return out.getvalue()


@pytest.mark.slow
@pytest.mark.parametrize("key", REPORTS)
def test_pdf_and_docx_open_and_render(demo, contents, key, tmp_path):
    names = sorted(set(contents[key].areas["ward_name"]))
    pdf = _write(demo, key, "pdf")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert all(n in text for n in names), names
    data = _write(demo, key, "docx")
    d = docx.Document(io.BytesIO(data))
    words = "\n".join([p.text for p in d.paragraphs] + [
        c.text for t in d.tables for row in t.rows for c in row.cells])
    assert all(n in words for n in names), names
    _render_pdf_page(pdf, f"report-{key}.pdf")
    _render_pdf_page(_docx_to_pdf(data, tmp_path), f"report-{key}.docx")


@pytest.mark.parametrize("key", REPORTS)
def test_xlsx_opens(demo, contents, key):
    book = openpyxl.load_workbook(io.BytesIO(_write(demo, key, "xlsx")))
    wards = book["Theo phường"]
    assert wards.max_row == 1 + (contents[key].areas["area_type"] == "ward").sum()
    about = {r[0].value: r[1].value for r in book["Thông tin"].iter_rows(min_row=2)}
    assert about["Chính sách"].startswith("vn-2021-09-default")


def _pdf_fonts(pdf: bytes) -> set[str]:
    names = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]).split("+")[-1])
    return names


@pytest.mark.slow
def test_docx_brings_its_own_font(demo, tmp_path):
    """On a computer whose only font is one without Vietnamese (fontconfig shown nothing
    but Computer Modern), LibreOffice still sets the DOCX in DejaVu Serif: the copy
    embedded in the file, which it could not read were the obfuscation wrong."""
    fonts = tmp_path / "fonts"
    fonts.mkdir()
    shutil.copy(Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "cmr10.ttf", fonts)
    conf = tmp_path / "fonts.conf"
    conf.write_text(f"<?xml version='1.0'?><fontconfig><dir>{fonts}</dir>"
                    f"<cachedir>{tmp_path / 'fc-cache'}</cachedir></fontconfig>")
    pdf = _docx_to_pdf(_write(demo, "district-week", "docx"), tmp_path,
                       FONTCONFIG_FILE=str(conf))
    assert {"DejaVuSerif", "DejaVuSerif-Bold", "DejaVuSerif-Italic"} <= _pdf_fonts(pdf)
