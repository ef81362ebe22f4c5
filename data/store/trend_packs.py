"""Trend tallies kept by ward and month: what makes the trends page fast at city scale.

A ward's trends (wards, blocks and people at each level, its new cases and tests, per
day) depend only on its own areas, its own reports and the policy
(zones.trends.ward_tallies). `tallies` keeps them in `trend_packs`, one row per ward and
month, under a key: a hash of the policy, the ward's areas and the report packs the row
was computed from. A read recomputes only the rows whose key no longer matches (after an
upload, the wards and months it touched), so writers never invalidate anything, and the
table can be emptied at any time.

Checking the keys reads the compressed report packs without decoding them: about 4 MB for
a city of 25,000 blocks over 120 days.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import zlib

import numpy as np
import pandas as pd
from sqlalchemy import Engine, select

from data.store import pack_digests, pack_reads, packs
from data.store.derived import keep
from data.store.schema import as_date, trend_packs
from zones.area_grids import COUNT_FIELDS, UNITS
from zones.areas import area_keys, area_row_hashes
from zones.effective import effective_rank_history
from zones.levels import RANKED
from zones.policy import Policy
from zones.trends import ward_tallies

FORMAT = 1
_IN_LIMIT = 900  # ward codes filtered in SQL (SQLite's old limit is 999 parameters)
_CELLS = len(RANKED) * len(UNITS)  # tally values per day


def _area_hashes(areas: pd.DataFrame, wards: pd.Index) -> np.ndarray:
    """One 64-bit hash per ward of what its tallies depend on in `areas`: codes, types
    and populations of its areas, in any order."""
    out = np.zeros(len(wards), dtype=np.uint64)
    at = wards.get_indexer(areas["ward_code"].astype(str))
    np.add.at(out, at, area_row_hashes(areas))  # wraps modulo 2**64
    return out


def _keys(wards: pd.Index, months: list[dt.date], areas: pd.DataFrame, records,
          policy: Policy) -> dict[tuple[str, dt.date], tuple[str, bool]]:
    """(ward, month) → (key of its row, whether any report pack feeds it)."""
    lead = policy.carry_forward_days
    digest = {(r.ward_code, as_date(r.month)): pack_digests.pack_digest(r) for r in records}
    head = repr((FORMAT, lead, policy.rollup, RANKED, UNITS, COUNT_FIELDS)).encode()
    feeds = {m: [(d, d.isoformat().encode()) for d in packs.months(m - dt.timedelta(days=lead), m)]
             for m in months}
    out = {}
    for ward, area_hash in zip(wards, _area_hashes(areas, wards), strict=True):
        for month in months:
            h = hashlib.blake2b(head + area_hash.tobytes(), digest_size=16)
            fed = False
            for dep, spelled in feeds[month]:
                got = digest.get((ward, dep))
                fed |= got is not None
                h.update(spelled + (got or b"-"))
            out[(ward, month)] = h.hexdigest(), fed
    return out


def _decode(data: bytes, month: dt.date) -> tuple[np.ndarray, np.ndarray] | None:
    days = packs.days_in(month)
    values = np.frombuffer(zlib.decompress(data), dtype=np.float64)
    if len(values) != days * (_CELLS + len(COUNT_FIELDS)):
        return None  # written under another layout: computed again
    return (values[:days * _CELLS].reshape(days, len(RANKED), len(UNITS)),
            values[days * _CELLS:].reshape(days, len(COUNT_FIELDS)))


def _encode(levels: np.ndarray, counts: np.ndarray) -> bytes:
    both = np.concatenate([levels.ravel(), counts.ravel()]).astype(np.float64)
    return zlib.compress(both.tobytes(), 1)


def _compute(missing: dict[dt.date, list[str]], areas: pd.DataFrame, records,
             policy: Policy) -> dict[tuple[str, dt.date], tuple[np.ndarray, np.ndarray]]:
    """Tallies of the (ward, month) rows not kept, a month at a time."""
    lead = policy.carry_forward_days
    codes = areas["ward_code"].astype(str)
    out = {}
    for month, wards in missing.items():
        first = month - dt.timedelta(days=lead)
        last = month + dt.timedelta(days=packs.days_in(month) - 1)
        sub = areas[codes.isin(wards).to_numpy()]
        wanted = set(wards)
        feed = [r for r in records if r.ward_code in wanted
                and packs.month_of(first) <= as_date(r.month) <= month]
        own_rank, own, sent = pack_reads.grids_of(feed, area_keys(sub), first, last)
        rank = effective_rank_history(sub, own_rank, first, month, last, policy)
        names, levels, counts = ward_tallies(
            rank, {k: v[:, lead:] for k, v in own.items()}, sent[:, lead:], sub)
        for i, ward in enumerate(names):
            out[(ward, month)] = levels[i], counts[i]
    return out


def tallies(engine: Engine, areas: pd.DataFrame, start: dt.date, end: dt.date,
            policy: Policy) -> tuple[pd.Index, np.ndarray, np.ndarray]:
    """`zones.trends.ward_tallies` of every ward code of `areas` on the days start…end:
    (ward codes, levels [ward, day, level, unit], counts [ward, day, field]), from the
    kept rows where their keys still match, computed (and kept) where not."""
    wards = pd.Index(pd.unique(areas["ward_code"].astype(str))).sort_values()
    months = packs.months(start, end)
    where = list(wards) if len(wards) <= _IN_LIMIT else None
    kept_q = select(trend_packs).where(trend_packs.c.month >= months[0],
                                       trend_packs.c.month <= months[-1])
    if where is not None:
        kept_q = kept_q.where(trend_packs.c.ward_code.in_(where))
    with engine.connect() as c:
        first = packs.month_of(months[0] - dt.timedelta(days=policy.carry_forward_days))
        listed = set(wards)
        records = [r for r in pack_reads.grid_records(c, first, months[-1], where)
                   if r.ward_code in listed]
        kept = c.execute(kept_q).all()
    keys = _keys(wards, months, areas, records, policy)
    found = {}
    for r in kept:
        at = (r.ward_code, as_date(r.month))
        if at in keys and keys[at][0] == r.key:
            found[at] = _decode(r.data, at[1])
    missing: dict[dt.date, list[str]] = {}
    for ward, month in keys:
        if found.get((ward, month)) is None:
            missing.setdefault(month, []).append(ward)
    fresh = _compute(missing, areas, records, policy)
    # Months no report reaches (before the first, or far after the last) are not kept:
    # a range of years asked by mistake must not fill the table.
    reported = {m for (_w, m), (_key, fed) in keys.items() if fed}
    rows = [{"ward_code": w, "month": m, "key": keys[(w, m)][0], "data": _encode(*value)}
            for (w, m), value in fresh.items() if m in reported]
    keep(engine, trend_packs, rows, ["ward_code", "month"])
    found.update(fresh)
    return wards, *_assemble(found, wards, start, end)


def _assemble(found: dict, wards: pd.Index, start: dt.date,
              end: dt.date) -> tuple[np.ndarray, np.ndarray]:
    n_days = (end - start).days + 1
    levels = np.zeros((len(wards), n_days, len(RANKED), len(UNITS)))
    counts = np.full((len(wards), n_days, len(COUNT_FIELDS)), np.nan)
    row = {w: i for i, w in enumerate(wards)}
    for (ward, month), (lv, ct) in found.items():
        off = (month - start).days
        lo, hi = max(0, -off), min(len(ct), n_days - off)
        if hi > lo:
            levels[row[ward], off + lo:off + hi] = lv[lo:hi]
            counts[row[ward], off + lo:off + hi] = ct[lo:hi]
    return levels, counts
