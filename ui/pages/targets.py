"""The targets page: one card per green-zone target (goal, value now, progress, projection,
deadline, source, status), the targets that do not apply to this store's areas, then the
areas that may step down a level and those that got worse, each linked to the map on that
day. A card's badge, bar, bar colour and percentage all come from the target's status and
`progress_percent` (zones.targets), so a missed target is never drawn as met."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from data.config.policy_files import load_targets
from data.services.figures import targets_as_of, transitions_as_of
from i18n import t as tr
from i18n.formats import fmt_date
from ui import common
from ui.upload_flow import block_names
from zones.levels import label
from zones.target_file import TargetsError
from zones.tiers import group_names, tier_label, unit_groups

STATUS_COLOURS = {"met": "green", "on_track": "blue", "at_risk": "orange", "missed": "red"}
# The bar's fill per status: the badge's hue, dark enough for 3:1 against the white track.
BAR_COLOURS = {"met": "#1b7a3a", "on_track": "#1f5fbf", "at_risk": "#a85300",
               "missed": "#c0262d"}
_BAR_STYLE = ("<style>.vx-target-bar{height:.6rem;border-radius:.3rem;background:#e6e6e6;"
              "overflow:hidden}.vx-target-bar>div{height:100%}</style>")
COMPARATORS = {">=": "≥", "<=": "≤", ">": ">", "<": "<"}


@st.cache_data(show_spinner=False, max_entries=16)
def progress(url: str, version: tuple, as_of: dt.date) -> list[dict]:
    store = common.get_store(url)
    return [p.as_json() for p in targets_as_of(store, as_of, common.get_policy(),
                                               load_targets())]


@st.cache_data(show_spinner=False, max_entries=16)
def transitions(url: str, version: tuple, as_of: dt.date) -> pd.DataFrame:
    return transitions_as_of(common.get_store(url), as_of, common.get_policy())


def fmt_value(x: float | None, p: dict, lang: str) -> str:
    """A share as a percentage, a count with its unit; decimal comma in Vietnamese."""
    if x is None:
        return "—"
    if p["kind"] == "share":
        text = f"{100 * x:.1f} %"
    else:
        text = tr(f"pages.targets.unit.{p['unit']}", lang, n=f"{round(x):,}")
    return text.translate(str.maketrans(",.", ".,")) if lang == "vi" else text


def map_link(as_of: dt.date, district: str, ward: str, block: str) -> str:
    """The map page on `as_of`, in `district`, at one area; relative, so
    it works under any base URL."""
    area = f"{ward}/{block}" if block else ward
    return "./map?" + urlencode({"date": as_of.isoformat(), "district": district, "area": area})


def progress_bar(p: dict) -> str:
    """The card's progress bar as HTML: filled to `progress_percent` in the status's
    colour. Hidden from screen readers: the line above it says the same in words."""
    fill = min(max(p["progress_percent"] or 0, 0), 100)
    return (f'{_BAR_STYLE}<div class="vx-target-bar" aria-hidden="true">'
            f'<div style="width:{fill}%;background:{BAR_COLOURS[p["status"]]}"></div></div>')


def _card(p: dict, scope: str, lang: str) -> None:
    with st.container(border=True):
        st.markdown(f"**{p['title'][lang]}**")
        st.caption(scope)
        with st.container(horizontal=True):
            st.badge(tr(f"pages.targets.status.{p['status']}", lang),
                     color=STATUS_COLOURS[p["status"]])
            for flag in ("goal_is_example", "deadline_is_example"):
                if p[flag]:
                    st.badge(tr(f"pages.targets.{flag}", lang), color="gray",
                             help=tr("pages.targets.example_help", lang))
        goal = f"{COMPARATORS[p['comparator']]} {fmt_value(p['goal'], p, lang)}"
        st.text(tr("pages.targets.goal", lang, goal=goal, deadline=fmt_date(
            dt.date.fromisoformat(p["deadline"]), lang)))
        st.text(tr("pages.targets.now", lang, value=fmt_value(p["current"], p, lang),
                   unknown=fmt_value(p["unknown"], p, lang)))
        percent = p["progress_percent"]
        st.text(tr("pages.targets.progress", lang,
                   value="—" if percent is None else f"{percent} %"))
        st.html(progress_bar(p))
        st.text(_projection(p, lang))
        st.caption(tr("pages.targets.source", lang, source=p["source"]))


def scope_names(areas: pd.DataFrame, lang: str) -> dict[str, str]:
    """The name of each scope a target can name (`scope_key`), the whole store too."""
    names = {"city": tr("pages.targets.city", lang)}
    for kind in ("province", "district", "ward"):
        pairs = areas[[f"{kind}_code", f"{kind}_name"]].dropna().drop_duplicates()
        names |= {f"{kind}:{c}": n for c, n in pairs.itertuples(index=False)}
    return names


def _not_applicable(cards: list[dict], lang: str) -> None:
    """The targets about places this store has no area of, said once, without figures."""
    if not cards:
        return
    with st.expander(tr("targets.not_applicable_title", lang, n=len(cards))):
        st.caption(tr("targets.not_applicable_help", lang))
        for p in cards:
            kind, _, code = p["scope_key"].partition(":")
            st.text(tr("targets.not_applicable_line", lang, title=p["title"][lang],
                       kind=tr(f"targets.kind.{kind}", lang), code=code))


def _projection(p: dict, lang: str) -> str:
    if p["status"] in ("met", "missed") and p["value_at_deadline"] is not None:
        return tr("pages.targets.at_deadline", lang,
                  value=fmt_value(p["value_at_deadline"], p, lang))
    if p["status"] == "met":
        return tr("pages.targets.reached", lang)
    if p["projected_date"] is None:
        return tr("pages.targets.no_projection", lang)
    day = dt.date.fromisoformat(p["projected_date"])
    return tr("pages.targets.projection", lang, date=fmt_date(day, lang))


def area_table(rows: pd.DataFrame, areas: pd.DataFrame, as_of: dt.date, lang: str,
               step_down: bool) -> pd.DataFrame:
    """Eligible (step_down) or worsened areas with names, levels and a map link."""
    r = rows.merge(areas[["ward_code", "block_code", "district_name", "ward_name",
                          "block_name"]], on=["ward_code", "block_code"], how="left")
    out = {
        tr("pages.col.district", lang): r["district_name"],
        tr("pages.col.ward", lang): r["ward_name"],
        tr("pages.col.block", lang): block_names(r, lang),
        tr("pages.col.level", lang): [label(c, lang) for c in r["level"]],
    }
    if step_down:
        out[tr("pages.col.step_down_to", lang)] = [label(c, lang) for c in r["step_down_to"]]
        out[tr("pages.col.case_free_days", lang)] = r["case_free_days"]
    else:
        out[tr("pages.col.since", lang)] = [fmt_date(d, lang) for d in r["level_since"]]
    out[tr("pages.col.population", lang)] = r["population"]
    out[tr("pages.col.map", lang)] = [map_link(as_of, d, w, b) for d, w, b in zip(
        r["district_code"], r["ward_code"], r["block_code"], strict=True)]
    return pd.DataFrame(out)


def _areas_section(url: str, version: tuple, as_of: dt.date, lang: str) -> None:
    areas = common.areas(url, version)
    names, tier = group_names(areas), tier_label(areas)  # districts, or provinces (2 tiers)
    district = st.selectbox(tr(f"pages.col.{tier}", lang), [None, *sorted(names)],
                            format_func=lambda c: names.get(c) or tr(f"pages.all_{tier}s",
                                                                     lang),
                            key="targets_district")
    with st.spinner(tr("pages.computing", lang)):
        t = transitions(url, version, as_of)
    if district is not None:
        group = dict(zip(areas["ward_code"], unit_groups(areas), strict=True))
        t = t[t["ward_code"].map(group) == district]
    link = {tr("pages.col.map", lang): st.column_config.LinkColumn(
        display_text=tr("pages.targets.on_map", lang))}
    for key, rows, step_down in (("eligible", t[t["eligible_step_down"]], True),
                                 ("worse", t[t["stepped_up_7d"]], False)):
        st.subheader(tr(f"pages.targets.{key}_title", lang, n=len(rows)))
        st.caption(tr(f"pages.targets.{key}_help", lang,
                      days=common.get_policy().days_without_cases))
        if rows.empty:  # an empty grid would only say "empty", in English
            st.text(tr("pages.targets.no_areas", lang))
            continue
        st.dataframe(area_table(rows, areas, as_of, lang, step_down), hide_index=True,
                     column_config=link, placeholder="")


def render(store, lang: str) -> None:
    span = store.date_range()
    if span is None:
        st.info(tr("pages.no_reports", lang))
        return
    as_of = st.date_input(tr("pages.targets.as_of", lang), value=span[1], min_value=span[0],
                          max_value=span[1], format="DD/MM/YYYY", key="targets_date")
    try:
        load_targets()  # a bad targets file is named here, problem by problem
    except (OSError, TargetsError) as exc:
        problems = ([p.located(lang) for p in exc.problems] if isinstance(exc, TargetsError)
                    else [str(exc)])
        st.error(tr("pages.targets.invalid", lang, problems="; ".join(problems)))
        return
    url, version = store.url, common.data_version(store)
    with st.spinner(tr("pages.computing", lang)):
        cards = progress(url, version, as_of)
    areas = common.areas(url, version)
    names = scope_names(areas, lang)
    st.caption(tr("pages.targets.caption", lang, version=cards[0]["version"] if cards else "",
                  policy=common.get_policy().id, date=fmt_date(as_of, lang)))
    shown = [p for p in cards if p["status"] != "not_applicable"]
    if not shown:
        st.info(tr("targets.none_apply", lang))
    for left, right in zip(shown[::2], [*shown[1::2], None], strict=False):
        cols = st.columns(2)
        for col, p in zip(cols, (left, right), strict=True):
            if p is not None:
                with col:
                    _card(p, names.get(p["scope_key"], p["scope_key"]), lang)
    _not_applicable([p for p in cards if p["status"] == "not_applicable"], lang)
    _areas_section(url, version, as_of, lang)
