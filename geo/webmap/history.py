"""The fast map's history (ui/components/vxmap): every area's level cell and tooltip
details on every day, as (day × area) grids so that one slice answers any day, built
from the store's report grids (data.store.packs) with no per-report step: a city of
25,000 areas over 120 days in well under a second.

The rules are zones/'s, on [area, day] grids: effective levels (zones.effective), a
ward's cases and tests by the no-double-count rule (zones.area_grids.area_count_grids), and
rounds implied by tests reaching the policy's coverage of the population
(zones.round_grids): a ward's round counts for its blocks unless the ward's figure is a
sum of its block rows. Here too: the bit layout of a level cell, which the page reads
from `layout_script`, and the levels and details files the page fetches once.
"""

from __future__ import annotations

import datetime as dt
import json
import zlib
from dataclasses import dataclass

import numpy as np
import pandas as pd

from zones.area_grids import AreaIndex, area_count_grids, block_reported
from zones.effective import SOURCES, effective_codes_of_own
from zones.levels import RANKED
from zones.policy import Policy
from zones.round_grids import round_cells, spread_to_blocks

# A level cell, one byte per area and day: bits 0-2 the level's rank in RANKED (0 unknown),
# bit 3 stale, bits 4-5 where the level came from (SOURCES). The page's script reads these
# numbers from CELL_LAYOUT (layout_script), so the two cannot drift apart.
RANK_MASK = 0x07
STALE_BIT = 0x08
SOURCE_SHIFT = 4
SOURCE_MASK = 0x03
NONE = -1  # "no such day" / "nothing reported" in the detail grids
DETAIL_FIELDS = ("since", "cases7", "cases14", "last_round", "due")
CELL_LAYOUT = {"rankMask": RANK_MASK, "staleBit": STALE_BIT, "sourceShift": SOURCE_SHIFT,
               "sourceMask": SOURCE_MASK, "none": NONE, "detailFields": list(DETAIL_FIELDS)}
_INT16_MAX = np.iinfo(np.int16).max


def layout_script() -> str:
    """CELL_LAYOUT as the script the map page runs before its own (`VX.LAYOUT`)."""
    return (f"window.VX = window.VX || {{}};\n"
            f"window.VX.LAYOUT = Object.freeze({json.dumps(CELL_LAYOUT)});")


def cell_codes(rank: np.ndarray, stale: np.ndarray, source: np.ndarray) -> np.ndarray:
    """Level cells (uint8) of a rank in RANKED, a stale flag and an index in SOURCES."""
    return (rank.astype(np.uint8) | (stale.astype(np.uint8) * np.uint8(STALE_BIT))
            | (source.astype(np.uint8) << np.uint8(SOURCE_SHIFT)))


def level_codes(row: np.ndarray) -> np.ndarray:
    """Level code (e.g. 'do') of each cell of a day's row."""
    return np.asarray(RANKED, dtype=object)[row & RANK_MASK]


@dataclass(frozen=True)
class MapHistory:
    """Every area (columns, in the order of the area table) on every day (rows, from
    `first_day`); day numbers count from `first_day`, NONE where there is none."""

    first_day: dt.date
    codes: np.ndarray  # uint8 level cells (RANK_MASK, STALE_BIT, SOURCE_SHIFT)
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


def map_history_of_grids(areas: pd.DataFrame, own_rank: np.ndarray, counts: dict,
                         sent: np.ndarray, first_day: dt.date, first: dt.date,
                         last: dt.date, policy: Policy) -> MapHistory:
    """MapHistory of `areas` from `first` to `last`, given Store.report_grids of the days
    `first_day`…`last` (first_day ≤ first - policy.carry_forward_days). Days before
    `first` must hold no report: the history starts with the first report."""
    lead = (first - first_day).days
    rank, source, stale = effective_codes_of_own(areas, own_rank, first_day, first, last,
                                                 policy)
    codes = cell_codes(rank, stale, source).T
    idx = AreaIndex.of(areas)
    own = {k: v[:, lead:] for k, v in counts.items()}
    sent = sent[:, lead:]
    figures = area_count_grids(own, sent, idx)
    cases = figures["new_cases"]
    flags = spread_to_blocks(idx, round_cells(idx, figures["tests_done"], policy),
                             block_reported(idx, sent))
    days = np.arange(flags.shape[1], dtype=np.int32)[:, None]
    last_round = np.maximum.accumulate(np.where(flags.T, days, np.int32(NONE)), axis=0)
    rank_t = rank.T
    return MapHistory(first, codes, run_starts(rank_t), *window_sums(cases, (7, 14)),
                      last_round, due_days(last_round, rank_t, policy))


def run_starts(rank: np.ndarray) -> np.ndarray:
    """First day of each area's current run of one level (effective_levels' level_since)
    for a [day, area] grid of ranks: NONE until the area's level has ever been known. Day
    numbers are int32, as in every grid of MapHistory: a city's grids are tens of
    megabytes each."""
    days = np.arange(rank.shape[0], dtype=np.int32)[:, None]
    change = np.ones(rank.shape, dtype=bool)
    np.not_equal(rank[1:], rank[:-1], out=change[1:])
    start = np.maximum.accumulate(np.where(change, days, np.int32(0)), axis=0)
    known = np.logical_or.accumulate(rank > 0, axis=0)
    return np.where(known, start, np.int32(NONE))


def window_sums(grid: np.ndarray, widths: tuple[int, ...]) -> list[np.ndarray]:
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


def due_days(last_round: np.ndarray, rank: np.ndarray, policy: Policy) -> np.ndarray:
    """Last day the next round is on time: max_days of the day's level after the last
    round; never tested means due at once (zones.rounds.due_by)."""
    max_days = np.array([policy.interval(code).max_days for code in RANKED], dtype=np.int32)
    days = np.arange(last_round.shape[0], dtype=np.int32)[:, None]
    return np.where(last_round >= 0, last_round + max_days[rank], days)


def _dates(history: MapHistory, days: np.ndarray) -> np.ndarray:
    base = np.datetime64(history.first_day, "D")
    out = np.full(len(days), None, dtype=object)
    known = days >= 0
    out[known] = (base + days[known].astype("timedelta64[D]")).astype(object)
    return out


def day_frame(history: MapHistory, areas: pd.DataFrame, date: dt.date,
              notes: dict | None = None) -> pd.DataFrame:
    """Every area on `date` with what its tooltip shows: the table view's rows, aligned
    to `areas` (index kept). `notes` is the base file's "notes" (geo.webmap.payload
    .notes_payload; None: no note column)."""
    i = history.day(date)
    row = history.codes[i]
    cols = ["area_type", "district_code", "district_name", "ward_code", "ward_name",
            "block_code", "block_name", "population"]
    out = areas[cols].copy()
    out["level"] = level_codes(row)
    out["stale"] = (row & STALE_BIT) > 0
    out["source"] = np.asarray(SOURCES, dtype=object)[(row >> SOURCE_SHIFT) & SOURCE_MASK]
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


def day_row(history: MapHistory, date: dt.date) -> bytes:
    """The per-date payload: one level cell per area."""
    return history.codes[history.day(date)].tobytes()


def pack_levels(history: MapHistory) -> bytes:
    """The level cells, day after day (a day's row is contiguous: the slider reads one)."""
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
