"""Periodic reports (báo cáo ngày, tuần, tháng) from the store: gather one scope's figures
for one period through data/services/figures.py (the dashboard's own source, so the numbers
agree), draw the map, and write the report as DOCX, PDF or XLSX.

`run_report` is what the CLI calls; `gather` and `report_bytes` are what the dashboard
calls, so that it can preview the figures before the files are written.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import BinaryIO

import pandas as pd

from data.config.clock import VN_TZ, now_vn, today_vn
from data.config.policy_files import load_targets
from data.services import figures as analytics
from data.store.database import Store
from zones.policy import Policy
from zones.report import ReportContent, build_report, history_window, scope_areas
from zones.report_period import Period, Scope, parse_period, parse_scope, previous
from zones.targets import GreenTarget

FORMATS = ("docx", "pdf", "xlsx")

__all__ = ["FORMATS", "gather", "parse_period", "parse_scope", "report_bytes", "run_report"]


def data_as_of(store: Store) -> dt.datetime | None:
    """When the newest accepted upload was stored, in Vietnam time."""
    uploads = store.uploads()
    uploads = uploads[uploads["outcome"] == "accepted"]
    if uploads.empty:
        return None
    newest = pd.Timestamp(max(pd.to_datetime(uploads["uploaded_at"], utc=True)))
    return newest.tz_convert(VN_TZ).to_pydatetime()


def _parsed(scope: Scope | str, period: Period | str) -> tuple[Scope, Period]:
    return (parse_scope(scope) if isinstance(scope, str) else scope,
            parse_period(period) if isinstance(period, str) else period)


def gather(store: Store, policy: Policy, scope: Scope | str, period: Period | str, *,
           targets: list[GreenTarget] | None = None,
           today: dt.date | None = None) -> ReportContent:
    """Every figure of the report of `scope` over `period` (text is parsed). A period
    still running is reported up to `today` (Vietnam); ValueError for an unknown scope
    code or a period that has not begun."""
    scope, requested = _parsed(scope, period)
    period = requested.up_to(today or today_vn())
    areas = scope_areas(store.areas(), scope)
    first, end = history_window(period)
    wards = sorted(set(areas["ward_code"]))
    targets = load_targets() if targets is None else targets
    return build_report(
        scope=scope, period=period, requested=requested, areas=areas,
        history=analytics.history_between(store, first, end, policy, areas),
        reports=store.reports(date_from=previous(period).start, date_to=end,
                              ward_codes=wards),
        rounds=analytics.rounds_until(store, end, policy, areas),
        levels_end=analytics.levels_on(store, end, policy, areas),
        transitions=analytics.transitions_as_of(store, end, policy),
        targets=analytics.targets_as_of(store, end, policy, targets) if targets else [],
        policy=policy, data_as_of=data_as_of(store),
    )


def report_map(store: Store, content: ReportContent, lang: str = "vi") -> bytes | None:
    """The scope's map on the last day as PNG; None when no area has a polygon."""
    from geo.printmap.static_map import map_png, scope_map_frame  # matplotlib: only when drawing

    frame = scope_map_frame(content.areas, store.geometries("ward"),
                            store.geometries("block"), content.levels_end, content.scope.kind)
    return None if frame.empty else map_png(frame, lang, content.period.end)


def report_bytes(content: ReportContent, fmt: str, lang: str = "vi", *,
                 policy: Policy, map_png: bytes | None = None,
                 generated_at: dt.datetime | None = None, unit: str | None = None) -> bytes:
    """The report as DOCX, PDF or XLSX bytes. `unit` overrides the issuing body's name
    (default: the scope's unit, e.g. QUẬN HÀ ĐÔNG)."""
    from data.reports.compose import compose  # the writers pull in heavy libraries

    generated_at = generated_at or now_vn()
    if fmt == "xlsx":
        from data.reports.xlsx_writer import report_xlsx

        return report_xlsx(content, lang, policy=policy, generated_at=generated_at)
    doc = compose(content, lang, policy=policy, map_png=map_png, generated_at=generated_at,
                  unit=unit)
    if fmt == "docx":
        from data.reports.docx_writer import report_docx

        return report_docx(doc)
    if fmt == "pdf":
        from data.reports.pdf_writer import report_pdf

        return report_pdf(doc)
    raise ValueError(f"unknown report format {fmt!r}: expected one of {', '.join(FORMATS)}")


def run_report(store: Store, policy: Policy, scope: Scope | str, period: Period | str,
               fmt: str, dest: str | Path | BinaryIO, lang: str = "vi", *,
               targets: list[GreenTarget] | None = None, today: dt.date | None = None,
               now: dt.datetime | None = None, unit: str | None = None) -> ReportContent:
    """Write the report of `scope` over `period` as `fmt` to `dest` (a path or a binary
    stream) and return its content. ValueError (scope, period, format) before any
    work is done, so a usage error never leaves a half-written file."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown report format {fmt!r}: expected one of {', '.join(FORMATS)}")
    content = gather(store, policy, scope, period, targets=targets, today=today)
    png = None if fmt == "xlsx" else report_map(store, content, lang)
    data = report_bytes(content, fmt, lang, policy=policy, map_png=png, generated_at=now,
                        unit=unit)
    if hasattr(dest, "write"):
        dest.write(data)
    else:
        Path(dest).write_bytes(data)
    return content
