"""The words of a periodic report: the header and signature of an administrative
document, the introduction, and the sections on testing rounds, cases and tests, missing
reports and the basis of the figures (the first sections are in data/reports/sections.py).
`compose` returns the `ReportDoc` the DOCX and PDF writers draw.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from data.reports.layout import (
    Heading,
    Para,
    ReportDoc,
    Table,
    date_line,
    period_text,
    place_name,
    scope_name,
    scope_place,
)
from data.reports.sections import (
    Ctx,
    changes_section,
    eligible_section,
    levels_section,
    targets_section,
)
from i18n import t as tr
from zones.levels import by_severity
from zones.policy import Policy
from zones.report import ReportContent
from zones.report_counts import format_ranges, reporting_rate


def _rule(ctx: Ctx) -> Para:
    parts = [ctx.t("rounds.interval", level=ctx.level(code),
                   lo=ctx.policy.interval(code).min_days, hi=ctx.policy.interval(code).max_days)
             for code in by_severity()]
    return Para(ctx.t("rounds.rule", coverage=ctx.pct(ctx.policy.round_min_coverage),
                      intervals="; ".join(parts)))


def _overdue_table(ctx: Ctx, units: pd.DataFrame) -> Table:
    rows = [[ctx.area({"area_type": "block" if u["block_code"] else "ward", **u}),
             ctx.level(u["level"]),
             ctx.date(u["last_round"]) if u["last_round"] else ctx.t("rounds.never"),
             ctx.date(u["due_by"]), ctx.num(u["overdue_days"])]
            for u in units.to_dict("records")]
    header = [ctx.t(f"rounds.col_{k}") for k in ("area", "level", "last", "due_by",
                                                  "days_late")]
    return Table(header, rows, [3.8, 1.6, 1.5, 1.5, 1.4], "LLLLR")


def rounds_section(ctx: Ctx) -> tuple[str, list]:
    part = ctx.content.rounds
    total = {k: ctx.num(v) for k, v in part.total.items()}
    blocks: list = [_rule(ctx), Para(ctx.t("rounds.summary", **total))]
    keys = ("due", "done", "overdue", "overdue_now")
    rows = [[w["ward_name"], ctx.num(w["units"]), *[ctx.num(w[k]) for k in keys]]
            for w in part.by_ward.to_dict("records")]
    rows.append([ctx.t("total"), total["units"], *[total[k] for k in keys]])
    header = [ctx.t(f"rounds.col_{k}") for k in ("ward", "units", *keys)]
    blocks.append(Table(header, rows, [3.2, 1.2, 1.2, 1.3, 1.2, 1.5], "LRRRRR", total=True))
    overdue = part.units[part.units["state"] == "overdue"]
    overdue = overdue.sort_values("overdue_days", ascending=False)
    if overdue.empty:
        return ctx.t("rounds.heading"), blocks
    if ctx.content.scope.kind == "ward":
        blocks += [Para(ctx.t("rounds.overdue_list"), "subheading"), _overdue_table(ctx, overdue)]
    else:
        k = ctx.annex(ctx.t("rounds.annex"), [_overdue_table(ctx, overdue)])
        blocks.append(Para(ctx.t("rounds.overdue_in_annex", n=k), "note"))
    return ctx.t("rounds.heading"), blocks


def counts_section(ctx: Ctx) -> tuple[str, list]:
    c = ctx.content.counts
    change = c.total["new_cases"] - c.previous["new_cases"]
    blocks: list = [Para(ctx.t(
        "counts.summary", cases=ctx.num(c.total["new_cases"]), change=ctx.signed(change),
        previous=ctx.t("counts.previous"), cases_before=ctx.num(c.previous["new_cases"]),
        tests=ctx.num(c.total["tests_done"]), tests_before=ctx.num(c.previous["tests_done"])))]
    n_wards = len(c.by_ward)
    if len(c.daily) > 1:
        rows = [[ctx.date(d["date"]), ctx.num(d["new_cases"]), ctx.num(d["tests_done"]),
                 f"{d['wards_reported']}/{n_wards}"] for d in c.daily.to_dict("records")]
        header = [ctx.t(f"counts.col_{k}") for k in ("date", "cases", "tests", "reported")]
        blocks += [Para(ctx.t("counts.by_day"), "subheading"),
                   Table(header, rows, [1.6, 1.4, 1.8, 1.8], "LRRR")]
    if n_wards > 1:
        rows = [[w["ward_name"], ctx.num(w["new_cases"]), ctx.num(w["tests_done"]),
                 ctx.num(w["days_reported"])] for w in c.by_ward.to_dict("records")]
        header = [ctx.t(f"counts.col_{k}") for k in ("ward", "cases", "tests", "days")]
        blocks += [Para(ctx.t("counts.by_ward"), "subheading"),
                   Table(header, rows, [3.2, 1.4, 1.8, 1.6], "LRRR")]
    blocks.append(Para(ctx.t("counts.blank_note"), "note"))
    return ctx.t("counts.heading"), blocks


def missing_section(ctx: Ctx) -> tuple[str, list]:
    content = ctx.content
    got, expected = reporting_rate(content.missing, content.areas, content.period)
    share = got / expected if expected else None
    blocks: list = [Para(ctx.t("missing.summary", reported=ctx.num(got),
                               expected=ctx.num(expected), share=ctx.pct(share)))]
    if content.missing.empty:
        return ctx.t("missing.heading"), [*blocks, Para(ctx.t("missing.all_sent"))]
    fmt = "%d/%m" if ctx.lang == "vi" else "%m-%d"
    rows = [[m["ward_name"], format_ranges(m["dates"], fmt) or ctx.t("none"),
             ctx.num(m["days_missing"]), ctx.num(m["block_days_missing"])]
            for m in content.missing.to_dict("records")]
    header = [ctx.t(f"missing.col_{k}") for k in ("ward", "dates", "days", "blocks")]
    blocks += [Table(header, rows, [3.0, 3.4, 1.0, 1.8], "LLRR"),
               Para(ctx.t("missing.note"), "note")]
    return ctx.t("missing.heading"), blocks


def basis_section(ctx: Ctx) -> tuple[str, list]:
    c, p = ctx.content, ctx.policy
    when = c.data_as_of
    data_time = when.strftime("%H:%M %d/%m/%Y") if when else ctx.t("basis.no_data")
    versions = sorted(set(c.targets["version"])) if len(c.targets) else []
    lines = [ctx.t("basis.policy", policy=p.id, title=p.title_vi if ctx.lang == "vi"
                   else p.title_en)]
    if versions:
        lines.append(ctx.t("basis.targets", version=", ".join(versions)))
    lines += [ctx.t("basis.data_as_of", time=data_time, date=ctx.date(c.last_report)),
              ctx.t("basis.generated", time=ctx.generated_at.strftime("%H:%M %d/%m/%Y"))]
    return ctx.t("basis.heading"), [Para("- " + line) for line in lines]


SECTIONS = (levels_section, changes_section, eligible_section, targets_section,
            rounds_section, counts_section, missing_section, basis_section)


def body_sections(ctx: Ctx) -> list:
    """The introduction and the numbered sections."""
    content = ctx.content
    out: list = [Para(ctx.t("intro", period=period_text(content, ctx.lang),
                            scope=ctx.scope_name))]
    if content.is_partial:
        out.append(Para(ctx.t("partial", date=ctx.date(content.period.end)), "note"))
    for n, build in enumerate(SECTIONS, start=1):
        title, blocks = build(ctx)
        out += [Heading(f"{n}. {title}"), *blocks]
    return out


def compose(content: ReportContent, lang: str, *, policy: Policy, map_png: bytes | None,
            generated_at: dt.datetime, unit: str | None = None) -> ReportDoc:
    """The whole report in `lang` ('vi' or 'en'). `unit` overrides the issuing body's
    name (default: the scope's own, e.g. QUẬN HÀ ĐÔNG)."""
    name = scope_name(content)
    period = period_text(content, lang)
    kinds = content.areas["area_type"]
    doc = ReportDoc(
        lang=lang, title=f"{tr('report.title', lang)} {period}",
        subject=f"{content.scope} {content.requested}",
        keywords=f"policy_id={content.policy_id}; as_of={content.period.end.isoformat()}",
        issuer=[tr("report.committee", lang, unit=(unit or name).upper()),
                tr("report.steering", lang), tr("report.number", lang)],
        nation=[tr("report.nation", lang), tr("report.motto", lang)],
        place_date=date_line(place_name(name), generated_at.date(), lang),
        heading=tr("report.title", lang),
        subtitle=tr("report.subtitle", lang, period=period),
        scope_line=tr("report.scope_line", lang, scope=scope_place(content),
                      wards=int((kinds == "ward").sum()), blocks=int((kinds == "block").sum())),
        page_label=tr("report.page_number", lang, page="{page}", pages="{pages}"),
        generated_at=generated_at)
    ctx = Ctx(content, lang, policy, map_png, generated_at, name)
    doc.body = body_sections(ctx)
    doc.recipients = [tr(f"report.sign.{k}", lang)
                      for k in ("recipients", "recipient_up", "recipient_file")]
    doc.signer = [tr(f"report.sign.{k}", lang) for k in ("for_body", "role", "hint")]
    sub = tr("report.annex.of_report", lang, period=period)
    doc.annexes = [(f"{tr('report.annex.title', lang, n=i)}. {title}", sub, blocks)
                   for i, (title, blocks) in enumerate(ctx.annexes, start=1)]
    return doc
