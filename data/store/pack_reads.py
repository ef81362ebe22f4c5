"""Reading the report packs back without a row-by-row step: the reports of a date range
as `zone_reports` would give them (`read`), the rows of some months
(`grid_records`), the reports of given areas as [area, day] grids, the notes, and the
hash of what was read (`report_digest`, from the kept digests alone)."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pandas as pd
from sqlalchemy import Connection, select

from data.store.pack_digests import digest_of
from data.store.packs import COLUMNS, COUNTS, Pack, month_of
from data.store.schema import as_date, report_packs
from zones.effective import rank_of_levels

GRID_COLUMNS = ("ward_code", "month", "format", "blocks", "legend", "cells", "digest")


def grid_records(c: Connection, first_month: dt.date, last_month: dt.date,
                 ward_codes: list[str] | None = None, *, notes: bool = False) -> list:
    """The report_packs rows (GRID_COLUMNS, and notes if asked) of the months
    first_month…last_month (first days), of `ward_codes` only if given: what `grids_of`
    decodes, `digest_of` hashes and `notes_of` reads."""
    cols = (*GRID_COLUMNS, "notes") if notes else GRID_COLUMNS
    q = select(*[report_packs.c[k] for k in cols]).where(
        report_packs.c.month >= first_month, report_packs.c.month <= last_month)
    if ward_codes is not None:
        q = q.where(report_packs.c.ward_code.in_(list(ward_codes)))
    return c.execute(q).all()


def report_digest(c: Connection, first_month: dt.date, last_month: dt.date) -> bytes:
    """`digest_of` the packs of the months first_month…last_month, reading only their
    kept digests and notes (a few kilobytes, where the packs are megabytes)."""
    q = select(*[report_packs.c[k] for k in ("ward_code", "month", "digest", "notes")]).where(
        report_packs.c.month >= first_month, report_packs.c.month <= last_month)
    rows = c.execute(q).all()
    if any(r.digest is None for r in rows):  # packs written before digests were kept
        rows = grid_records(c, first_month, last_month, notes=True)
    return digest_of(rows)


def grids(c: Connection, keys: pd.MultiIndex, first_day: dt.date, last_day: dt.date,
          ward_codes: list[str] | None = None) -> tuple[np.ndarray, dict, np.ndarray]:
    """The reports of the areas `keys` (ward_code, block_code) on every day
    first_day…last_day as grids [area, day]: own level rank (zones.effective.RANKED; 0 no
    report), new_cases and tests_done (float, NaN blank) and where a report was sent.
    Reports of areas not in `keys` are left out. No row-by-row step: the fast path."""
    records = grid_records(c, month_of(first_day), month_of(last_day), ward_codes)
    return grids_of(records, keys, first_day, last_day)


def grids_of(records, keys: pd.MultiIndex, first_day: dt.date,
             last_day: dt.date) -> tuple[np.ndarray, dict, np.ndarray]:
    """`grids` from report_packs rows already read (`grid_records`); rows outside the
    days or about other areas are ignored."""
    n_days = (last_day - first_day).days + 1
    rank = np.zeros((len(keys), n_days), dtype=np.int8)
    counts = {name: np.full(rank.shape, np.nan) for name in ("new_cases", "tests_done")}
    found = [Pack.from_record(r, writable=False, notes=False, uploads=False)
             for r in records]
    if not found:
        return rank, counts, rank > 0
    at = keys.get_indexer(pd.MultiIndex.from_arrays([
        np.concatenate([np.full(len(p.blocks), p.ward_code, dtype=object) for p in found]),
        np.concatenate([np.asarray(p.blocks, dtype=object) for p in found])]))
    stops = np.cumsum([len(p.blocks) for p in found])
    rank_of: dict[tuple, np.ndarray] = {}  # legend → ranks, worked out once per legend
    for p, pos in zip(found, np.split(at, stops[:-1]), strict=True):
        off = (p.month - first_day).days  # grid column of the pack's first day
        lo, hi = max(0, -off), min(p.level.shape[1], n_days - off)
        ok = pos >= 0
        if hi <= lo or not ok.any():
            continue
        ranks = rank_of.get(tuple(p.legend))
        if ranks is None:
            ranks = rank_of[tuple(p.legend)] = np.r_[0, rank_of_levels(p.legend)].astype(np.int8)
        rows, cols = pos[ok], slice(off + lo, off + hi)
        rank[rows, cols] = ranks[p.level[ok, lo:hi]]
        for name, grid in counts.items():
            v = p.counts[name][ok, lo:hi].astype(float)
            grid[rows, cols] = np.where(v < 0, np.nan, v)
    return rank, counts, rank > 0


def notes(c: Connection) -> pd.DataFrame:
    """Every stored note: ward_code, block_code, date, note (sorted like `read`)."""
    cols = ("ward_code", "month", "blocks", "notes")
    q = select(*[report_packs.c[k] for k in cols]).where(report_packs.c.notes.is_not(None))
    return notes_of(c.execute(q))


def notes_of(records) -> pd.DataFrame:
    """The notes of report_packs rows (with ward_code, month, blocks and notes), as
    `notes` gives them."""
    out = []
    for r in records:
        if not r.notes:
            continue
        blocks, month = r.blocks.split("\n"), as_date(r.month)
        out += [(r.ward_code, blocks[i], month + dt.timedelta(days=j), text)
                for i, j, text in json.loads(r.notes)]
    df = pd.DataFrame(out, columns=["ward_code", "block_code", "date", "note"])
    return df.sort_values(["date", "ward_code", "block_code"], ignore_index=True)


def read(c: Connection, date_from: dt.date | None = None, date_to: dt.date | None = None,
         ward_codes: list[str] | None = None) -> pd.DataFrame:
    """The reports (COLUMNS) in a date range, sorted by date, ward and block: what
    selecting from `zone_reports` would give, from the packs."""
    q = select(report_packs)
    if date_from is not None:
        q = q.where(report_packs.c.month >= month_of(date_from))
    if date_to is not None:
        q = q.where(report_packs.c.month <= month_of(date_to))
    if ward_codes is not None:
        q = q.where(report_packs.c.ward_code.in_(list(ward_codes)))
    parts = [_cells(Pack.from_record(r, writable=False)) for r in c.execute(q)]
    frame = _frame(parts)
    if date_from is not None or date_to is not None:
        lo = date_from or dt.date.min
        hi = date_to or dt.date.max
        inside = _within(frame["date"], lo, hi)
        if not inside.all():
            frame = frame[inside].reset_index(drop=True)
    return frame


def _within(dates: pd.Series, lo: dt.date, hi: dt.date) -> np.ndarray:
    codes, distinct = pd.factorize(dates)
    ok = np.array([lo <= d <= hi for d in distinct], dtype=bool)
    return ok[codes] if len(codes) else np.zeros(0, dtype=bool)


def _cells(p: Pack) -> dict:
    r, d = np.nonzero(p.level)
    legend = np.asarray([None, *p.legend], dtype=object)
    notes = np.full(len(r), None, dtype=object)
    if p.notes:  # cells are in row-major order, so a note finds its cell by bisection
        days = p.level.shape[1]
        keys = np.array(list(p.notes), dtype=np.int64).reshape(-1, 2)
        flat = keys[:, 0] * days + keys[:, 1]
        at = np.searchsorted(r * days + d, flat)
        ok = (at < len(r)) & (p.level.ravel()[flat] > 0)
        notes[at[ok]] = np.asarray(list(p.notes.values()), dtype=object)[ok]
    day0 = (p.month - dt.date(1970, 1, 1)).days
    return {"ward_code": np.full(len(r), p.ward_code, dtype=object),
            "block_code": np.asarray(p.blocks, dtype=object)[r] if len(r) else
            np.empty(0, dtype=object),
            "day": day0 + d, "level": legend[p.level[r, d]],
            **{name: p.counts[name][r, d] for name in COUNTS}, "note": notes}


def _frame(parts: list[dict]) -> pd.DataFrame:
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in COLUMNS})
    cols = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    ward, wards = pd.factorize(cols["ward_code"], sort=True)
    block, blocks = pd.factorize(cols["block_code"], sort=True)
    order = np.lexsort((block, ward, cols["day"]))
    days, day_codes = np.unique(cols["day"][order], return_inverse=True)
    epoch = dt.date(1970, 1, 1)
    dates = np.array([epoch + dt.timedelta(days=int(x)) for x in days], dtype=object)
    out = pd.DataFrame({
        "ward_code": np.asarray(wards, dtype=object)[ward[order]],
        "block_code": np.asarray(blocks, dtype=object)[block[order]],
        "date": dates[day_codes],
        "level": cols["level"][order],
    })
    for name in ("new_cases", "tests_done"):
        v = cols[name][order]
        out[name] = pd.arrays.IntegerArray(np.where(v < 0, 0, v).astype(np.int64), v < 0)
    out["note"] = pd.Series(cols["note"][order], dtype=object)  # None stays None
    out["upload_id"] = cols["upload_id"][order].astype(np.int64)
    return out
