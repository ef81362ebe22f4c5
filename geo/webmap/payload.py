"""Payloads of the fast map (ui/components/vxmap): what the browser needs to draw every
ward and block once and then recolour them for any day without a rebuild.

Four files per version of the data, each sent once: the *geometry* (simplified, encoded
polygons: geo.webmap.geometry_file), the
*base* (codes, names and notes), the *levels* (one byte per area and day, for the
slider and the play button) and the *details* (what a tooltip shows: since when, cases in
7 and 14 days, last testing round, next due). Per date the page sends only that day's
row of level bytes.

Everything is a pure function of the area table, the reports and the policy; the numbers
come from zones/ (effective_history, daily_ward_counts, derive_rounds), laid out as
(day × area) grids so that one slice answers any day.
"""

from __future__ import annotations

import datetime as dt
import json
import zlib
from dataclasses import dataclass

import numpy as np
import pandas as pd

from geo.webmap.simplify import geometry_payload
from zones.areas import WARD_ROW, area_keys, day_numbers, report_positions
from zones.counts import daily_ward_counts
from zones.effective import SOURCES, effective_history
from zones.levels import RANKED, fold
from zones.policy import Policy
from zones.rounds import derive_rounds

# One byte per area and day: bits 0-2 the level's rank in RANKED (0 unknown), bit 3 stale,
# bits 4-5 where the level came from (SOURCES).
STALE_BIT = 0x08
SOURCE_SHIFT = 4
NONE = -1  # "no such day" / "nothing reported" in the detail grids
DETAIL_FIELDS = ("since", "cases7", "cases14", "last_round", "due")
_INT16_MAX = np.iinfo(np.int16).max


@dataclass(frozen=True)
class MapHistory:
    """Every area (columns, in the order of the area table) on every day (rows, from
    `first_day`); day numbers count from `first_day`, NONE where there is none."""

    first_day: dt.date
    codes: np.ndarray  # uint8, see STALE_BIT
    since: np.ndarray  # day the current run of the level started
    cases7: np.ndarray  # new cases in the 7 days up to the day (no double counting)
    cases14: np.ndarray
    last_round: np.ndarray  # day of the last testing round up to the day
    due: np.ndarray  # last day the next round is on time (the day itself if never tested)

    @property
    def days(self) -> int:
        return self.codes.shape[0]

    def day(self, date: dt.date) -> int:
        i = (date - self.first_day).days
        if not 0 <= i < self.days:
            raise ValueError(f"{date} is outside the map's {self.days} days from {self.first_day}")
        return i

    def date(self, day: int) -> dt.date | None:
        return None if day < 0 else self.first_day + dt.timedelta(days=int(day))


def map_history(areas: pd.DataFrame, reports: pd.DataFrame, first: dt.date, last: dt.date,
                policy: Policy) -> MapHistory:
    """The grids for `areas` (Store.areas()) from `first` to `last`; `reports` must reach
    back to `first` for level_since to match effective_levels."""
    hist = effective_history(areas, reports, first, last, policy)
    n_days, n = (last - first).days + 1, len(areas)
    rank = hist["level"].cat.codes.to_numpy(np.uint8).reshape(n_days, n)
    source = hist["source"].cat.codes.to_numpy(np.uint8).reshape(n_days, n)
    stale = hist["stale"].to_numpy(bool).reshape(n_days, n)
    codes = rank | (stale * STALE_BIT).astype(np.uint8) | (source << SOURCE_SHIFT)
    cases = _case_grid(areas, reports, first, n_days)
    last_round = _last_round_grid(areas, reports, first, n_days, policy)
    return MapHistory(first, codes.astype(np.uint8), _since(rank), *_windows(cases.T, (7, 14)),
                      last_round, _due(last_round, rank, policy))


def _since(rank: np.ndarray) -> np.ndarray:
    """First day of each area's current run of one level (effective_levels' level_since):
    NONE until the area's level has ever been known. Day numbers are int32, as in every
    grid of MapHistory: a city's grids are tens of megabytes each."""
    days = np.arange(rank.shape[0], dtype=np.int32)[:, None]
    change = np.ones(rank.shape, dtype=bool)
    np.not_equal(rank[1:], rank[:-1], out=change[1:])
    start = np.maximum.accumulate(np.where(change, days, np.int32(0)), axis=0)
    known = np.logical_or.accumulate(rank > 0, axis=0)
    return np.where(known, start, np.int32(NONE))


def _case_grid(areas: pd.DataFrame, reports: pd.DataFrame, first: dt.date,
               n_days: int) -> np.ndarray:
    """New cases per day and area, NaN where nothing was reported: a block's own row, a
    ward's figure by the no-double-count rule of zones.counts."""
    keys = area_keys(areas)
    grid = np.full((n_days, len(keys)), np.nan)
    if reports.empty:
        return grid
    pos = report_positions(keys, reports)
    is_block = (reports["block_code"].fillna(WARD_ROW) != WARD_ROW).to_numpy()
    mine = (pos >= 0) & is_block
    _put(grid, day_numbers(reports["date"][mine], first), pos[mine], reports["new_cases"][mine])
    wards = daily_ward_counts(areas, reports)
    wpos = keys.get_indexer(pd.MultiIndex.from_arrays(
        [wards["ward_code"].astype(str), np.full(len(wards), WARD_ROW, dtype=object)]))
    _put(grid, day_numbers(wards["date"], first), wpos, wards["new_cases"])
    return grid


def _put(grid: np.ndarray, day: np.ndarray, pos: np.ndarray, values: pd.Series) -> None:
    inside = (day >= 0) & (day < grid.shape[0]) & (pos >= 0)
    vals = pd.to_numeric(values, errors="coerce").astype("Float64").to_numpy(float, na_value=np.nan)
    grid[day[inside], pos[inside]] = vals[inside]


def _windows(grid: np.ndarray, widths: tuple[int, ...]) -> list[np.ndarray]:
    """Per width, for a grid [area, day]: the sum of the last `width` days up to each day
    as [day, area] (int32); NONE when none of them had a count (blank means not reported,
    which is not zero). Summed along each area's own row, so memory is read in order."""
    known = ~np.isnan(grid)
    total = np.cumsum(np.where(known, grid, 0.0), axis=1)
    seen = np.cumsum(known, axis=1, dtype=np.int32)
    out = []
    for width in widths:
        sums, counted = total.copy(), seen.copy()
        sums[:, width:] -= total[:, :-width]
        counted[:, width:] -= seen[:, :-width]
        out.append(np.where(counted > 0, np.rint(sums), NONE).astype(np.int32).T)
    return out


def _last_round_grid(areas: pd.DataFrame, reports: pd.DataFrame, first: dt.date,
                     n_days: int, policy: Policy) -> np.ndarray:
    """Day of each area's last testing round so far (NONE if none). A round of a whole
    ward counts for its blocks too unless it is a sum of block rows, as in
    zones.rounds.rounds_on_record."""
    keys = area_keys(areas)
    flags = np.zeros((n_days, len(keys)), dtype=bool)
    rounds = derive_rounds(reports, areas, policy) if len(reports) else None
    if rounds is not None and len(rounds):
        day = day_numbers(rounds["date"], first)
        pos = keys.get_indexer(pd.MultiIndex.from_frame(rounds[["ward_code", "block_code"]]))
        ok = (pos >= 0) & (day >= 0) & (day < n_days)
        flags[day[ok], pos[ok]] = True
        wide = rounds[(rounds["block_code"] == WARD_ROW) & (rounds["basis"] != "blocks")]
        blocks = pd.DataFrame({"ward_code": keys.get_level_values(0), "pos": range(len(keys))})
        blocks = blocks[keys.get_level_values(1) != WARD_ROW]
        spread = wide.assign(day=day[wide.index.to_numpy()])[["ward_code", "day"]]
        spread = spread.merge(blocks, on="ward_code")
        ok = (spread["day"] >= 0) & (spread["day"] < n_days)
        flags[spread["day"][ok], spread["pos"][ok]] = True
    days = np.arange(n_days, dtype=np.int32)[:, None]
    return np.maximum.accumulate(np.where(flags, days, np.int32(NONE)), axis=0)


def _due(last_round: np.ndarray, rank: np.ndarray, policy: Policy) -> np.ndarray:
    """Last day the next round is on time: max_days of the day's level after the last
    round; never tested means due at once (zones.rounds.due_by)."""
    max_days = np.array([policy.interval(code).max_days for code in RANKED], dtype=np.int32)
    days = np.arange(last_round.shape[0], dtype=np.int32)[:, None]
    return np.where(last_round >= 0, last_round + max_days[rank], days)


def base_payload(areas: pd.DataFrame, geoms: np.ndarray, reports: pd.DataFrame,
                 first: dt.date, tolerance_m: float | None = None) -> dict:
    """Polygons, names and notes of every area (JSON-ready), in the order of `areas`: the
    names file and the geometry file in one (the page merges the two it gets)."""
    is_ward = (areas["area_type"] == "ward").to_numpy()
    return {**names_payload(areas, reports, first),
            **geometry_payload(geoms, is_ward, tolerance_m)}


def names_payload(areas: pd.DataFrame, reports: pd.DataFrame, first: dt.date) -> dict:
    """Codes, names, districts, populations and notes of every area (JSON-ready), in the
    order of `areas`.

    Notes are stored text, sent as text: the component puts them in the page with
    textContent, never as HTML.
    """
    is_ward = (areas["area_type"] == "ward").to_numpy()
    keys = area_keys(areas)
    ward_pos = keys.get_indexer(pd.MultiIndex.from_arrays(
        [keys.get_level_values(0), np.full(len(keys), WARD_ROW, dtype=object)]))
    district, district_codes = pd.factorize(areas["district_code"].astype(str))
    names = areas.groupby("district_code")["district_name"].first()
    name = np.where(is_ward, areas["ward_name"], areas["block_name"].fillna(""))
    return {
        "v": 1, "first": first.isoformat(), "n": len(areas),
        "ward": ward_pos.tolist(), "code": keys.get_level_values(1).tolist(),
        "wcode": keys.get_level_values(0).tolist(), "name": [str(x) for x in name],
        "dist": district.tolist(),
        "districts": [[c, str(names.get(c, c))] for c in district_codes],
        "pop": [None if pd.isna(p) else int(p) for p in areas["population"]],
        "notes": notes_payload(areas, reports, first),
    }


def notes_payload(areas: pd.DataFrame, reports: pd.DataFrame, first: dt.date) -> dict:
    """Every stored note as (day, area, index into a table of distinct texts)."""
    has = reports[reports["note"].notna() & (reports["note"].astype(str) != "")]
    pos = report_positions(area_keys(areas), has) if len(has) else np.empty(0, int)
    has, pos = has[pos >= 0], pos[pos >= 0]
    text_idx, texts = pd.factorize(has["note"].astype(str))
    day = day_numbers(has["date"], first) if len(has) else np.empty(0, int)
    return {"text": [str(x) for x in texts], "day": day.tolist(), "area": pos.tolist(),
            "text_idx": text_idx.tolist()}


def _dates(history: MapHistory, days: np.ndarray) -> np.ndarray:
    base = np.datetime64(history.first_day, "D")
    out = np.full(len(days), None, dtype=object)
    known = days >= 0
    out[known] = (base + days[known].astype("timedelta64[D]")).astype(object)
    return out


def day_frame(history: MapHistory, areas: pd.DataFrame, date: dt.date,
              notes: dict | None = None) -> pd.DataFrame:
    """Every area on `date` with what its tooltip shows: the table view's rows, aligned
    to `areas` (index kept). `notes` is base_payload's "notes" (None: no note column)."""
    i = history.day(date)
    row = history.codes[i]
    cols = ["area_type", "district_code", "district_name", "ward_code", "ward_name",
            "block_code", "block_name", "population"]
    out = areas[cols].copy()
    out["level"] = level_codes(row)
    out["stale"] = (row & STALE_BIT) > 0
    out["source"] = np.asarray(SOURCES, dtype=object)[(row >> SOURCE_SHIFT) & 0x03]
    out["level_since"] = _dates(history, history.since[i])
    for col in ("cases7", "cases14"):
        values = pd.Series(getattr(history, col)[i], index=areas.index, dtype="Int64")
        out[col] = values.where(values >= 0)
    out["last_round"] = _dates(history, history.last_round[i])
    out["due_by"] = _dates(history, history.due[i])
    out["overdue_days"] = np.maximum(0, i - history.due[i])
    if notes is not None:
        text = np.full(len(areas), None, dtype=object)
        day, area, idx = (np.asarray(notes[k], dtype=np.int64) for k in ("day", "area", "text_idx"))
        text[area[day == i]] = np.asarray(notes["text"], dtype=object)[idx[day == i]]
        out["note"] = text
    return out


def search_texts(areas: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """What a search looks in, folded (no diacritics, đ → d, lower case): a ward's name
    and code; a block's name and code with its ward's."""
    def folded(col: str) -> pd.Series:  # names repeat (Tổ dân phố 1…): fold each once
        codes, distinct = pd.factorize(areas[col].fillna("").astype(str))
        return pd.Series(np.array([fold(x) for x in distinct], dtype=object)[codes]
                         if len(distinct) else np.full(len(codes), "", dtype=object),
                         index=areas.index, dtype=object)

    # fold works character by character, so folding the parts is folding the whole.
    ward = folded("ward_name") + " " + folded("ward_code")
    block = folded("block_name") + " " + folded("block_code")
    return ward, block + " " + ward


def search_mask(texts: tuple[pd.Series, pd.Series], is_ward: np.ndarray,
                query: str) -> np.ndarray:
    """Areas whose text holds every word of `query`, with or without diacritics
    (`phuong van quan` finds Phường Văn Quán). A block whose ward alone matches is
    left out: searching a ward's name finds the ward, not its eighty blocks."""
    words = fold(query or "").split()
    if not words:
        return np.zeros(len(is_ward), dtype=bool)
    ward_hit, block_hit = (np.logical_and.reduce(
        [t.str.contains(w, regex=False).to_numpy(bool) for w in words]) for t in texts)
    return np.where(is_ward, ward_hit, block_hit & ~ward_hit)


def pack_json(obj) -> bytes:
    """zlib-compressed JSON, which the browser inflates with DecompressionStream."""
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return zlib.compress(text.encode("utf-8"), 6)


def pack_levels(history: MapHistory) -> bytes:
    """The level bytes, day after day (a day's row is contiguous: the slider reads one)."""
    return zlib.compress(np.ascontiguousarray(history.codes).tobytes(), 6)


def pack_details(history: MapHistory) -> bytes:
    """DETAIL_FIELDS as little-endian int16, each area after area (an area's days are
    contiguous, and mostly repeat, which is what compresses)."""
    parts = [np.clip(getattr(history, f).T, NONE, _INT16_MAX).astype("<i2").tobytes()
             for f in DETAIL_FIELDS]
    return zlib.compress(b"".join(parts), 6)


def details_exact(history: MapHistory) -> bool:
    """Whether pack_details holds every value of `history` (each fits in int16), so that
    `history_of_files` gives it back whole."""
    return all(getattr(history, f).min(initial=0) >= NONE
               and getattr(history, f).max(initial=0) <= _INT16_MAX for f in DETAIL_FIELDS)


def history_of_files(first_day: dt.date, levels: bytes, details: bytes,
                     n_areas: int) -> MapHistory:
    """The MapHistory that pack_levels and pack_details were made from (when
    `details_exact`): a kept map is read back instead of computed again."""
    codes = np.frombuffer(zlib.decompress(levels), dtype=np.uint8).reshape(-1, n_areas)
    fields = np.frombuffer(zlib.decompress(details), dtype="<i2").reshape(
        len(DETAIL_FIELDS), n_areas, codes.shape[0])
    # int16 views of the file, no copies: every value fits (details_exact), and readers
    # only compare and subtract day numbers within the history's days.
    return MapHistory(first_day, codes, *(f.T for f in fields))


def day_row(history: MapHistory, date: dt.date) -> bytes:
    """The per-date payload: one level byte per area."""
    return history.codes[history.day(date)].tobytes()


def level_codes(row: np.ndarray) -> np.ndarray:
    """Level code (e.g. 'do') of each byte of a day's row."""
    return np.asarray(RANKED, dtype=object)[row & 0x07]

