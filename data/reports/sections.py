"""The numbered sections of a periodic report, as blocks (paragraphs, tables, the map)
that data/reports/layout.py assembles and the DOCX and PDF writers draw. Long lists about
blocks (tổ dân phố) go to annexes in a city or district report, so the body stays the few
pages an office reads; a ward report lists its blocks in the body.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from data.reports.layout import Figure, Para, Table
from i18n import t as tr
from i18n.formats import fmt_date, fmt_int, fmt_percent
from zones.levels import label
from zones.policy import Policy
from zones.report import ReportContent


@dataclass
class Ctx:
    content: ReportContent
    lang: str
    policy: Policy
    map_png: bytes | None
    generated_at: dt.datetime
    scope_name: str
    annexes: list[tuple[str, list]] = field(default_factory=list)

    def t(self, key: str, **values) -> str:
        return tr(f"report.{key}", self.lang, **values)

    def date(self, day) -> str:
        if day is None or (not isinstance(day, dt.date) and pd.isna(day)):
            return self.t("none")
        return fmt_date(day, self.lang)

    def num(self, n) -> str:
        if n is None or pd.isna(n):
            return ""  # blank: nothing reported, never shown as 0
        return fmt_int(n, self.lang)

    def signed(self, n) -> str:
        return "0" if n == 0 else ("+" if n > 0 else "−") + self.num(abs(n))

    def pct(self, share) -> str:
        if share is None or pd.isna(share):
            return self.t("none")
        return fmt_percent(share, self.lang)  # 91,6 % / 91.6 %, as on the screens

    def level(self, code) -> str:
        return label(code, self.lang) if isinstance(code, str) and code else self.t("none")

    def area(self, row) -> str:
        """A ward by name; a block by name, with its ward unless the report is the ward's."""
        if row["area_type"] == "ward" or not row.get("block_code"):
            return row["ward_name"]
        if self.content.scope.kind == "ward":
            return row["block_name"]
        return self.t("area_in_ward", block=row["block_name"], ward=row["ward_name"])

    def split(self, df: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
        """(rows for the body, rows for an annex): blocks go to an annex unless the
        report is about one ward."""
        if self.content.scope.kind == "ward" or "area_type" not in df:
            return df, df.iloc[0:0]
        return df[df["area_type"] == "ward"], df[df["area_type"] == "block"]

    def annex(self, title: str, blocks: list) -> int:
        self.annexes.append((title, blocks))
        return len(self.annexes)


def _map(ctx: Ctx) -> Figure | Para:
    if not ctx.map_png:
        return Para(ctx.t("levels.no_map"), "note")
    end = ctx.date(ctx.content.period.end)
    return Figure(ctx.map_png, ctx.t("levels.map_caption", date=end, scope=ctx.scope_name))


def levels_section(ctx: Ctx) -> tuple[str, list]:
    h = ctx.content.headline.set_index("level")
    total = h.sum()
    green = h.loc["xanh"]
    share = green["population"] / total["population"] if total["population"] else None
    blocks: list = [Para(ctx.t("levels.summary", green=ctx.num(green["wards"]),
                               wards=ctx.num(total["wards"]),
                               green_blocks=ctx.num(green["blocks"]),
                               blocks=ctx.num(total["blocks"]), share=ctx.pct(share))),
                    _map(ctx)]
    rows = []
    for code, r in [*h.iterrows(), (None, total)]:
        pop_share = r["population"] / total["population"] if total["population"] else None
        rows.append([ctx.t("total") if code is None else ctx.level(code),
                     ctx.num(r["wards"]), ctx.signed(r["wards_change"]),
                     ctx.num(r["blocks"]), ctx.signed(r["blocks_change"]),
                     ctx.num(r["population"]), ctx.signed(r["population_change"]),
                     ctx.pct(pop_share)])
    header = [ctx.t(f"levels.col_{k}") for k in ("level", "wards", "change", "blocks",
                                                  "change", "population", "change", "share")]
    blocks.append(Table(header, rows, [2.2, 1.35, 0.75, 1.25, 0.75, 1.4, 1.1, 1.2], "LRRRRRRR",
                        total=True))
    blocks.append(Para(ctx.t("levels.note", date=ctx.date(ctx.content.period.baseline)),
                       "note"))
    return ctx.t("levels.heading", date=ctx.date(ctx.content.period.end)), blocks


def _changes_table(ctx: Ctx, df: pd.DataFrame) -> Table | Para:
    if df.empty:
        return Para(ctx.t("changes.none"))
    rows = [[ctx.date(r["date"]), ctx.area(r), ctx.level(r["from_level"]),
             ctx.level(r["to_level"])] for _, r in df.iterrows()]
    header = [ctx.t(f"changes.col_{k}") for k in ("date", "area", "from", "to")]
    return Table(header, rows, [1.3, 4.2, 1.7, 1.7], "LLLL")


def _by_direction(ctx: Ctx, df: pd.DataFrame) -> list:
    out: list = []
    for direction in ("worse", "better"):
        out.append(Para(ctx.t(f"changes.{direction}"), "subheading"))
        out.append(_changes_table(ctx, df[df["direction"] == direction]))
    return out


def changes_section(ctx: Ctx) -> tuple[str, list]:
    df = ctx.content.changes

    def n(direction: str, kind: str) -> str:
        return ctx.num(((df["direction"] == direction) & (df["area_type"] == kind)).sum())

    blocks: list = [Para(ctx.t("changes.summary", worse_wards=n("worse", "ward"),
                               worse_blocks=n("worse", "block"),
                               better_wards=n("better", "ward"),
                               better_blocks=n("better", "block")))]
    body, annexed = ctx.split(df)
    blocks += _by_direction(ctx, body)
    if not annexed.empty:
        k = ctx.annex(ctx.t("changes.annex"), _by_direction(ctx, annexed))
        blocks.append(Para(ctx.t("changes.blocks_in_annex", n=k), "note"))
    return ctx.t("changes.heading"), blocks


def _eligible_table(ctx: Ctx, df: pd.DataFrame) -> Table:
    rows = [[ctx.area(r), ctx.level(r["level"]), ctx.level(r["step_down_to"]),
             ("≥ " if r["case_free_at_least"] else "") + ctx.num(r["case_free_days"]),
             ctx.date(r["level_since"])] for _, r in df.iterrows()]
    header = [ctx.t(f"eligible.col_{k}") for k in ("area", "level", "to", "days", "since")]
    return Table(header, rows, [3.6, 1.6, 1.6, 1.5, 1.5], "LLLRL")


def eligible_section(ctx: Ctx) -> tuple[str, list]:
    df = ctx.content.eligible
    kinds = df["area_type"]
    blocks: list = [
        Para(ctx.t("eligible.rule", policy=ctx.policy.id, days=ctx.policy.days_without_cases)),
        Para(ctx.t("eligible.summary", wards=ctx.num((kinds == "ward").sum()),
                   blocks=ctx.num((kinds == "block").sum()))),
    ]
    body, annexed = ctx.split(df)
    if not body.empty:
        blocks.append(_eligible_table(ctx, body))
    elif annexed.empty:
        blocks.append(Para(ctx.t("eligible.none")))
    if not annexed.empty:
        k = ctx.annex(ctx.t("eligible.annex"), [_eligible_table(ctx, annexed)])
        blocks.append(Para(ctx.t("eligible.blocks_in_annex", n=k), "note"))
    return ctx.t("eligible.heading"), blocks


def _goal(ctx: Ctx, row, value) -> str:
    if value is None or pd.isna(value):
        return ctx.t("none")
    return ctx.pct(value) if row["kind"] == "share" else ctx.num(round(value))


def targets_section(ctx: Ctx) -> tuple[str, list]:
    df = ctx.content.targets
    if df.empty:
        return ctx.t("targets.heading"), [Para(ctx.t("targets.none"))]
    rows = []
    for _, r in df.iterrows():
        title = r["title_vi"] if ctx.lang == "vi" else r["title_en"]
        goal = f"{r['comparator']} {_goal(ctx, r, r['goal'])}"
        current = _goal(ctx, r, r["current"])
        if r["unknown"]:
            current += "\n" + ctx.t("targets.unknown", value=_goal(ctx, r, r["unknown"]))
        rows.append([title, goal + (" (*)" if r["goal_is_example"] else ""), current,
                     ctx.date(r["deadline"]) + (" (*)" if r["deadline_is_example"] else ""),
                     ctx.date(r["projected_date"]) if r["projected_date"] else ctx.t("none"),
                     ctx.t(f"targets.status.{r['status']}")])
    header = [ctx.t(f"targets.col_{k}") for k in ("target", "goal", "current", "deadline",
                                                   "projected", "status")]
    blocks: list = [Table(header, rows, [3.6, 1.2, 1.3, 1.4, 1.4, 1.5], "LRRLLL")]
    if (df["goal_is_example"] | df["deadline_is_example"]).any():
        blocks.append(Para(ctx.t("targets.example"), "note"))
    return ctx.t("targets.heading"), blocks
