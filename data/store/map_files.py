"""The fast map's files for one version of a store's data, kept in the store itself
(data.store.derived) so that a restarted dashboard reads them back instead of making them:

- *geometry*: simplified, encoded polygons (geo.webmap.geometry_file), under the hash of the
  areas and their WKB; it changes only with an import;
- *history*: the levels and details files (geo.webmap.payload), under the hash of the policy,
  the areas and every report pack of the days shown; the MapHistory the map page keeps
  in memory is read back from them when they hold it exactly;
- *base*: codes, names and notes, under the hash of the area table and the reports.

A key that no longer matches makes the file again, so nothing has to invalidate them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import zlib
from dataclasses import dataclass
from functools import cached_property, partial

import pandas as pd

from data.store import pack_digests, pack_reads
from geo.webmap.geometry_file import geometry_file, geometry_key
from geo.webmap.history import (
    MapHistory,
    details_exact,
    history_of_files,
    map_history_of_grids,
    pack_details,
    pack_levels,
)
from geo.webmap.payload import names_payload, pack_json
from zones.areas import area_keys, areas_digest
from zones.policy import Policy

FORMAT = 1  # of the history and base files: a new layout makes every kept one stale


@dataclass(frozen=True)
class MapFiles:
    """What the map page serves and keeps for one version of the data."""

    history: MapHistory
    files: dict[str, bytes]  # geometry, base, levels, details: zlib, as the page reads them
    undrawn: list[int]  # positions of areas with no polygon to draw

    @cached_property
    def notes(self) -> dict:
        """The base file's notes (fastmap.notes_payload), for the table view."""
        return json.loads(zlib.decompress(self.files["base"]))["notes"]


def _history(reports: _Reports, areas: pd.DataFrame, lead: dt.date, first: dt.date,
             last: dt.date, policy: Policy) -> MapHistory:
    grids = pack_reads.grids_of(reports.rows, area_keys(areas), lead, last)  # no report rows
    return map_history_of_grids(areas, *grids, lead, first, last, policy)


class _Reports:
    """The report packs of the days shown, read once and only if a file must be made,
    and whether they are still the ones the files' keys were made from."""

    def __init__(self, store, lead: dt.date, last: dt.date, digest: bytes):
        self._read = partial(store.report_records, lead, last)
        self._rows: list | None = None
        self.digest = digest

    @property
    def rows(self) -> list:
        if self._rows is None:
            self._rows = self._read()
        return self._rows

    def meta(self, **meta) -> dict:
        """`meta`, marked not to be kept if an upload landed after the digest was read:
        the file is then newer than its key (data.store.derived)."""
        return meta if pack_digests.digest_of(self.rows) == self.digest else meta | {"_keep": False}


def _history_files(make, reports: _Reports, built: dict) -> tuple[bytes, dict]:
    """The levels and details files one after the other, and where they part; the
    history they came from goes into `built`."""
    history = built["history"] = make()
    levels = pack_levels(history)
    return levels + pack_details(history), reports.meta(levels=len(levels),
                                                        exact=details_exact(history))


def _base_file(reports: _Reports, areas: pd.DataFrame, first: dt.date) -> tuple[bytes, dict]:
    names = names_payload(areas, pack_reads.notes_of(reports.rows), first)
    return pack_json(names), reports.meta()


def map_files(store, areas: pd.DataFrame, policy: Policy) -> MapFiles:
    """The map's files of `store` (a data.store.database.Store with reports) for `areas`
    (Store.areas()), from its first report day to its last."""
    first, last = store.date_range()
    lead = first - dt.timedelta(days=policy.carry_forward_days)
    # The packs' kept digests say whether the kept files are current; the packs
    # themselves are read only to make a file again.
    reports = _Reports(store, lead, last, store.report_digest(lead, last))
    make = partial(_history, reports, areas, lead, first, last, policy)
    key = _key("history", (policy, lead, first, last), areas_digest(areas), reports.digest)
    built: dict = {}
    both, meta = store.derived("map-history", key,
                               partial(_history_files, make, reports, built))
    levels, details = both[:meta["levels"]], both[meta["levels"]:]
    history = built.get("history")
    if history is None:
        history = (history_of_files(first, levels, details, len(areas)) if meta["exact"]
                   else make())
    wards, blocks = store.geometries("ward"), store.geometries("block")
    geometry, drawn = store.derived("map-geometry", geometry_key(areas, wards, blocks),
                                    partial(geometry_file, areas, wards, blocks))
    names = hashlib.blake2b(pd.util.hash_pandas_object(areas, index=False).to_numpy()
                            .tobytes(), digest_size=16).digest()
    base, _ = store.derived("map-base", _key("base", first, names, reports.digest),
                            partial(_base_file, reports, areas, first))
    return MapFiles(history, {"geometry": geometry, "base": base, "levels": levels,
                              "details": details}, drawn["undrawn"])


def _key(kind: str, what, *digests: bytes) -> str:
    return hashlib.blake2b(repr((FORMAT, kind, what)).encode() + b"".join(digests),
                           digest_size=16).hexdigest()
