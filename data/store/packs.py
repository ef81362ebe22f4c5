"""Zone reports packed by ward and month: the store's fast read path.

`zone_reports` holds one row per area and day: right for keys, history and
replacement, slow to read back (a city of 25,000 blocks over 60 days is 1.5 million
rows, tens of seconds through the database driver). Every write to `zone_reports` also
patches `report_packs`, in the same transaction: one row per ward and month holding its
areas' levels, counts and upload ids as numpy arrays (compressed) and its notes as JSON.
Reading a whole city is then a few hundred blobs.

The packs are derived data: migration 0004 builds them from `zone_reports`, and
`rebuild` does it again at any time (`python cli.py repack`).
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
import zlib
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sqlalchemy import Connection, delete, select, tuple_

from data.store.pack_digests import cells_digest
from data.store.schema import REPORT_FIELDS, as_date, report_packs, zone_reports

FORMAT = 1
COLUMNS = [*REPORT_FIELDS, "upload_id"]
# What a Pack is read from (not the digest, which migration 0004 runs without).
_PACK_COLUMNS = [c for c in report_packs.c if c.name != "digest"]
COUNTS = ("new_cases", "tests_done", "upload_id")  # int32 cells (validate.MAX_COUNT); -1: blank


def month_of(day: dt.date) -> dt.date:
    return day.replace(day=1)


def days_in(month: dt.date) -> int:
    return calendar.monthrange(month.year, month.month)[1]


def months(first: dt.date, last: dt.date) -> list[dt.date]:
    """The first days of the months from `first`'s to `last`'s."""
    out, month = [], month_of(first)
    while month <= last:
        out.append(month)
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return out


@dataclass
class Pack:
    """One ward's reports in one month: rows are its areas (block codes, '' for the ward
    itself), columns the month's days. level: index into `legend` plus one, 0 = none."""

    ward_code: str
    month: dt.date
    blocks: list[str] = field(default_factory=list)
    legend: list[str] = field(default_factory=list)
    level: np.ndarray = None
    counts: dict[str, np.ndarray] = field(default_factory=dict)
    notes: dict[tuple[int, int], str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        days = days_in(self.month)
        if self.level is None:
            self.level = np.zeros((len(self.blocks), days), dtype=np.int8)
        for name in COUNTS:
            self.counts.setdefault(name, np.full(self.level.shape, -1, dtype=np.int32))

    def _rows_for(self, blocks: np.ndarray) -> np.ndarray:
        """Row of each block code, adding rows for codes new to this pack."""
        at = {code: i for i, code in enumerate(self.blocks)}
        new = [code for code in dict.fromkeys(blocks.tolist()) if code not in at]
        if new:
            at.update((code, len(self.blocks) + k) for k, code in enumerate(new))
            self.blocks += new
            shape = (len(new), self.level.shape[1])
            self.level = np.concatenate([self.level, np.zeros(shape, dtype=np.int8)])
            self.counts = {k: np.concatenate([v, np.full(shape, -1, dtype=np.int32)])
                           for k, v in self.counts.items()}
        return np.fromiter((at[code] for code in blocks.tolist()), dtype=np.intp,
                           count=len(blocks))

    def put(self, cells: Cells) -> None:
        """Write report cells (all of this ward and month) into the pack."""
        r, d = self._rows_for(cells.block), cells.day
        legend = {code: i for i, code in enumerate(self.legend)}
        for code in dict.fromkeys(cells.level.tolist()):
            if code not in legend:
                legend[code] = len(self.legend)
                self.legend.append(code)
        self.level[r, d] = np.fromiter((legend[code] + 1 for code in cells.level.tolist()),
                                       dtype=np.int8, count=len(r))
        for name in COUNTS:
            self.counts[name][r, d] = cells.counts[name]
        days = self.level.shape[1]
        if self.notes:  # a value without a note clears the note the cell had
            written = set((r * days + d).tolist())
            gone = [key for key in self.notes if key[0] * days + key[1] in written]
            for key in gone:
                del self.notes[key]
        for k in np.flatnonzero(cells.has_note):
            self.notes[(int(r[k]), int(d[k]))] = str(cells.note[k])

    def record(self) -> dict:
        """The report_packs row. The legend (the codes in use) and the rows are sorted, so
        the same reports give the same bytes however they arrived."""
        used = np.flatnonzero(np.bincount(self.level.ravel(), minlength=len(self.legend) + 1))
        used = used[used > 0]
        legend = sorted(self.legend[i - 1] for i in used)
        remap = np.zeros(len(self.legend) + 1, dtype=np.int8)
        remap[used] = [legend.index(self.legend[i - 1]) + 1 for i in used]
        self.legend, self.level = legend, remap[self.level]
        order = sorted(range(len(self.blocks)), key=self.blocks.__getitem__)
        if order != list(range(len(self.blocks))):  # rows sorted by block code, too
            row = np.argsort(order)  # old row → new row
            self.blocks = [self.blocks[i] for i in order]
            self.level = self.level[order]
            self.counts = {k: v[order] for k, v in self.counts.items()}
            self.notes = {(int(row[i]), j): t for (i, j), t in self.notes.items()}
        cells = b"".join([self.level.tobytes(), self.counts["new_cases"].tobytes(),
                          self.counts["tests_done"].tobytes()])
        notes = [[i, j, text] for (i, j), text in sorted(self.notes.items())]
        out = {"ward_code": self.ward_code, "month": self.month, "format": FORMAT,
               "blocks": "\n".join(self.blocks), "legend": ",".join(self.legend),
               "cells": zlib.compress(cells, 1),
               "uploads": zlib.compress(self.counts["upload_id"].tobytes(), 1),
               "notes": json.dumps(notes, ensure_ascii=False) if notes else None}
        return out | {"digest": cells_digest(out["format"], out["blocks"], out["legend"],
                                              out["cells"]).hex()}

    @classmethod
    def from_record(cls, r, *, writable: bool = True, notes: bool = True,
                    uploads: bool = True) -> Pack:
        """The pack of a report_packs row; read-only arrays, no notes and no upload ids
        are cheaper (a pack without upload ids must not be written back)."""
        if r.format != FORMAT:
            raise ValueError(f"report pack {r.ward_code}/{r.month} has format {r.format}: "
                             f"expected {FORMAT}; run `python cli.py repack`")
        month = as_date(r.month)
        blocks = r.blocks.split("\n")
        days = days_in(month)
        raw = zlib.decompress(r.cells)
        n = len(blocks) * days
        if uploads:
            raw += zlib.decompress(r.uploads)
        level = np.frombuffer(raw, dtype=np.int8, count=n).reshape(len(blocks), days)
        counts = {name: np.frombuffer(raw, dtype=np.int32, count=n, offset=n + 4 * n * k)
                  .reshape(len(blocks), days) for k, name in enumerate(COUNTS[:2 + uploads])}
        if writable:
            level, counts = level.copy(), {k: v.copy() for k, v in counts.items()}
        text = r.notes if notes else None
        return cls(r.ward_code, month, blocks, r.legend.split(",") if r.legend else [],
                   level, counts, {(i, j): t for i, j, t in json.loads(text or "[]")})


@dataclass
class Cells:
    """Report rows as arrays: block codes, day of month (0-based), level codes, counts
    (int32, -1 blank), notes and whether each row has one."""

    block: np.ndarray
    day: np.ndarray
    level: np.ndarray
    counts: dict[str, np.ndarray]
    note: np.ndarray
    has_note: np.ndarray

    def __getitem__(self, rows) -> Cells:
        return Cells(self.block[rows], self.day[rows], self.level[rows],
                     {k: v[rows] for k, v in self.counts.items()}, self.note[rows],
                     self.has_note[rows])


def patch(c: Connection, rows: pd.DataFrame, *, digests: bool = True) -> None:
    """Write report rows (COLUMNS; new or changed values only) into their packs. The
    rows are turned into arrays once; each pack then takes its slice."""
    if rows.empty:
        return
    date_code, dates = pd.factorize(rows["date"])
    month_code, months = pd.factorize(np.array([month_of(x) for x in dates],
                                               dtype=object)[date_code])
    ward_code, wards = pd.factorize(rows["ward_code"])
    note = rows["note"].to_numpy(dtype=object)
    cells = Cells(
        rows["block_code"].to_numpy(dtype=object),
        np.array([x.day - 1 for x in dates], dtype=np.intp)[date_code],
        rows["level"].to_numpy(dtype=object),
        {name: pd.to_numeric(rows[name], errors="coerce").fillna(-1).to_numpy(np.int32)
         for name in COUNTS},
        note, pd.notna(rows["note"]).to_numpy(bool))
    group = ward_code.astype(np.int64) * len(months) + month_code
    order = np.argsort(group, kind="stable")
    starts = np.flatnonzero(np.r_[True, np.diff(group[order]) != 0])
    first = order[starts]
    keys = [(str(wards[ward_code[i]]), months[month_code[i]]) for i in first]
    packs = {}
    for chunk in range(0, len(keys), 500):
        q = select(*_PACK_COLUMNS).where(
            tuple_(report_packs.c.ward_code, report_packs.c.month).in_(keys[chunk:chunk + 500]))
        packs.update({(r.ward_code, as_date(r.month)): Pack.from_record(r)
                      for r in c.execute(q)})
    for key, part in zip(keys, np.split(order, starts[1:]), strict=True):
        packs.setdefault(key, Pack(*key)).put(cells[part])
    for chunk in range(0, len(keys), 500):
        c.execute(delete(report_packs).where(
            tuple_(report_packs.c.ward_code, report_packs.c.month).in_(keys[chunk:chunk + 500])))
    records = [packs[k].record() for k in keys]
    if not digests:  # a schema before migration 0007 has no digest column
        records = [{k: v for k, v in r.items() if k != "digest"} for r in records]
    c.execute(report_packs.insert(), records)


def rebuild(c: Connection, *, digests: bool = True) -> int:
    """Build every pack again from `zone_reports` (a month of wards at a time); returns
    the number of reports packed."""
    c.execute(delete(report_packs))
    done = 0
    bounds = c.execute(select(zone_reports.c.date).order_by(zone_reports.c.date).limit(1)).first()
    if bounds is None:
        return 0
    last = as_date(c.execute(select(zone_reports.c.date)
                              .order_by(zone_reports.c.date.desc()).limit(1)).scalar_one())
    for month in months(as_date(bounds[0]), last):
        q = select(*[zone_reports.c[f] for f in COLUMNS]).where(
            zone_reports.c.date >= month,
            zone_reports.c.date < month + dt.timedelta(days=days_in(month)))
        rows = pd.DataFrame(c.execute(q).all(), columns=COLUMNS)
        if len(rows):
            rows["date"] = [as_date(d) for d in rows["date"]]
            patch(c, rows, digests=digests)
        done += len(rows)
    return done
