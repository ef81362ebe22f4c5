"""The morning view (data.services.today) in words, in Vietnamese or English: the
sentences `cli.py today` prints and the dashboard's first page shows as its headlines,
so both say the same thing the same way. Numbers and dates are written as the language
writes them (i18n.formats)."""

from __future__ import annotations

import datetime as dt

from data.services.today import Morning
from i18n import t as tr
from i18n.formats import fmt_date, fmt_int, fmt_number, fmt_percent
from zones.levels import label
from zones.morning import LOCKDOWN


def scope_text(m: Morning, lang: str) -> str:
    return tr("today.scope_city", lang) if m.scope == "city" else m.scope


def reporting(m: Morning, lang: str) -> str:
    day = fmt_date(m.as_of, lang)
    if not m.not_reported:
        return tr("today.all_reported", lang, date=day)
    return tr("today.reported", lang, sent=fmt_int(len(m.reported), lang),
              wards=fmt_int(m.wards, lang), date=day)


def last_reported(row: dict, lang: str) -> str:
    if row["last_reported"] is None:
        return tr("today.never_reported", lang)
    return tr("today.last_reported", lang,
              date=fmt_date(dt.date.fromisoformat(row["last_reported"]), lang))


def changes(m: Morning, lang: str) -> str:
    since = fmt_date(m.since, lang)
    if not m.changes:
        return tr("today.no_changes", lang, since=since)
    up = sum(c["direction"] == "up" for c in m.changes)
    return tr("today.changes", lang, since=since, up=fmt_int(up, lang),
              down=fmt_int(len(m.changes) - up, lang))


def new_lockdowns(m: Morning) -> list[dict]:
    return [c for c in m.changes if c["to"] == LOCKDOWN and c["from"] != LOCKDOWN]


def signed_points(change: float, lang: str) -> str:
    """A change of share in percentage points, with its sign: +1,2 / −0,4."""
    text = fmt_number(abs(100 * change), lang, 1)
    return ("+" if change > 0 else "−" if change < 0 else "±") + text + " pp"


def ranking_row(r: dict, lang: str) -> str:
    return tr("today.ranking_row", lang, name=r["name"] or r["unit_code"],
              do=fmt_int(r["population_do"], lang),
              lockdown=fmt_int(r["population_phong_toa"], lang),
              share=fmt_percent(r["share"], lang), population=fmt_int(r["population"], lang),
              change=signed_points(r["change_7d"], lang))


def days_text(days_left: int, lang: str) -> str:
    if days_left > 0:
        return tr("today.days_left", lang, n=fmt_int(days_left, lang))
    if days_left < 0:
        return tr("today.days_past", lang, n=fmt_int(-days_left, lang))
    return tr("today.deadline_today", lang)


def target_row(r: dict, lang: str) -> str:
    return tr("today.target_row", lang, title=r["title_vi"] if lang == "vi" else r["title_en"],
              status=tr(f"today.status.{r['status']}", lang),
              days=days_text(r["days_left"], lang))


def overdue_row(r: dict, lang: str) -> str:
    return tr("today.overdue_row", lang, area=r["area"], name=r["name"],
              level=label(r["level"], lang), days=fmt_int(r["days_overdue"], lang))


def _listed(rows: list, line, limit: int, lang: str) -> list[str]:
    out = [f"  - {line(r)}" for r in rows[:limit]]
    if len(rows) > limit:
        out.append("  " + tr("today.more", lang, n=fmt_int(len(rows) - limit, lang)))
    return out


def lines(m: Morning, lang: str, limit: int = 10) -> list[str]:
    """The whole view as plain text lines: every ward not reported, the first `limit`
    rows of the other lists."""
    out = [tr("today.title", lang, scope=scope_text(m, lang), date=fmt_date(m.as_of, lang)),
           "", reporting(m, lang)]
    if m.not_reported:
        out.append(tr("today.not_reported", lang, n=fmt_int(len(m.not_reported), lang)))
        out += [f"  - {r['ward_code']} {r['name']}: {last_reported(r, lang)}"
                for r in m.not_reported]
    out += [tr("today.carried", lang, n=fmt_int(len(m.carried), lang)), "", changes(m, lang)]
    locked = new_lockdowns(m)
    if locked:
        out.append(tr("today.new_lockdowns", lang, n=fmt_int(len(locked), lang)))
    out += _listed(m.changes, lambda c: (
        f"{c['area']} {c['name']}: {label(c['from'], lang)} → {label(c['to'], lang)} "
        f"({fmt_int(c['population'], lang)})"), limit, lang)
    out += ["", tr("today.ranking", lang)]
    out += _listed(m.ranking, lambda r: ranking_row(r, lang), limit, lang)
    late = [r for r in m.targets if r["status"] in ("at_risk", "missed")]
    out += ["", tr("today.targets", lang) if late else tr("today.no_targets", lang)]
    out += _listed(late, lambda r: target_row(r, lang), limit, lang)
    out += ["", tr("today.overdue", lang, n=fmt_int(len(m.overdue), lang))]
    out += _listed(m.overdue, lambda r: overdue_row(r, lang), limit, lang)
    return out
