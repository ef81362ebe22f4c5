"""`import-boundaries`: a checked boundary file into the store, in one transaction.

Wards bring their province and, in a three-tier file, their district (a two-tier file,
as provinces send from 1 July 2025, has none); blocks attach to wards already stored. A refused
file raises BoundaryError before the store is touched, so it stores nothing. The change
and its audit entry (who, which file, how many) commit together.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import shapely
from sqlalchemy import select
from sqlalchemy.engine import Connection

from data.store import audit
from data.store.database import Store
from data.store.schema import districts, provinces, wards
from geo.boundaries.crs import LONLAT
from geo.boundaries.read import BoundaryFile, Repair, read_boundaries


@dataclass
class ImportSummary:
    level: str  # ward | block
    source_crs: str
    features: int
    inserted: dict[str, int]  # table → rows new to the store (provinces, districts, wards|blocks)
    updated: dict[str, int]  # table → rows that existed and were overwritten
    repairs: list[Repair] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    population: int | None = None  # total over the file, when it gives one


def import_boundaries(store: Store, path, *, crs: str | None = None, level: str = "ward",
                      actor: str = "system") -> ImportSummary:
    """Read and check `path` (BoundaryError lists every problem), then upsert it in one
    write transaction that also logs it under `actor` (the account or OS user)."""
    known = store.known_areas()
    bf = read_boundaries(path, crs=crs, level=level, known_areas=known)
    blocks_out = None if level == "ward" else _block_rows(store, bf)
    sha256 = file_sha256(path)  # before the write lock: a big file takes a moment
    with store.write() as conn:
        if level == "ward":
            inserted, updated = _store_wards(store, bf, conn)
        else:
            inserted, updated = _store_blocks(store, blocks_out, known, conn)
        pop_col = "pop_2019" if level == "ward" else "population"
        population = int(bf.gdf[pop_col].sum(skipna=True)) if pop_col in bf.gdf else None
        summary = ImportSummary(level, bf.source_crs, len(bf.gdf), inserted, updated,
                                bf.repairs, bf.ignored_columns, population)
        audit.record(conn, actor, "boundaries.import", Path(path).name, level=level,
                     sha256=sha256, features=summary.features,
                     inserted=inserted, updated=updated, source_crs=bf.source_crs,
                     repairs=len(bf.repairs))
    return summary


def file_sha256(path) -> str | None:
    """The SHA-256 of the imported file, so the audit log says exactly which one (None
    for a folder, e.g. an unpacked Shapefile)."""
    p = Path(path)
    if not p.is_file():
        return None
    digest = hashlib.sha256()
    with p.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _geometry_columns(bf: BoundaryFile) -> dict[str, object]:
    return {"geometry": list(shapely.to_wkb(bf.gdf.geometry.to_numpy())),
            "geometry_crs": LONLAT, "source_crs": bf.source_crs}


def _store_wards(store: Store, bf: BoundaryFile, conn: Connection) -> tuple[dict, dict]:
    g = pd.DataFrame(bf.gdf.drop(columns="geometry"))
    prov = g[["province_code", "province_name"]].drop_duplicates("province_code").rename(
        columns={"province_code": "code", "province_name": "name"})
    tiers = "district_code" in g  # three tiers; else the wards sit in the province
    dist = (g[["district_code", "district_name", "province_code"]].drop_duplicates(
        "district_code").rename(columns={"district_code": "code", "district_name": "name"})
        if tiers else pd.DataFrame(columns=["code", "name", "province_code"]))
    ward = g[["ward_code", "ward_name", "province_code"]].rename(
        columns={"ward_code": "code", "ward_name": "name"}).assign(
        district_code=g["district_code"] if tiers else None, **_geometry_columns(bf))
    existing = {name: _codes(conn, table)
                for name, table in (("provinces", provinces), ("districts", districts),
                                    ("wards", wards))}
    if "pop_2019" in g:  # without it the stored populations stay as they are
        ward["population"] = _populations(conn, g)
    frames = {"provinces": prov, "districts": dist, "wards": ward}
    store.upsert_units(prov, dist, ward, conn=conn)
    updated = {name: int(df["code"].isin(existing[name]).sum()) for name, df in frames.items()}
    inserted = {name: len(df) - updated[name] for name, df in frames.items()}
    return inserted, updated


def _populations(conn: Connection, g: pd.DataFrame) -> list:
    """The file's populations; a blank cell keeps the stored one (None for a new ward)."""
    stored = dict(conn.execute(select(wards.c.code, wards.c.population)).all())
    return [stored.get(code) if pd.isna(pop) else int(pop)
            for code, pop in zip(g["ward_code"], g["pop_2019"], strict=True)]


def _codes(conn: Connection, table) -> set[str]:
    return {code for (code,) in conn.execute(select(table.c.code))}


def _block_rows(store: Store, bf: BoundaryFile) -> pd.DataFrame:
    """The block rows to upsert; a name or population the file leaves out keeps the stored
    one (blocks usually come from the blocks CSV first, polygons later)."""
    g = pd.DataFrame(bf.gdf.drop(columns="geometry")).reset_index(drop=True)
    stored = store.areas().query("area_type == 'block'").set_index(["ward_code", "block_code"])
    keys = pd.MultiIndex.from_frame(g[["ward_code", "block_code"]])
    name = g["block_name"] if "block_name" in g else pd.Series([None] * len(g), dtype=object)
    pop = g["population"] if "population" in g else pd.Series([pd.NA] * len(g), dtype="Int64")
    old = stored.reindex(keys).reset_index(drop=True)
    return g[["ward_code", "block_code"]].assign(
        name=name.where(name.notna(), old["block_name"]),
        population=pop.astype("Int64").fillna(old["population"].astype("Int64")),
        **_geometry_columns(bf),
    )


def _store_blocks(store: Store, out: pd.DataFrame, known: dict[str, set[str]],
                  conn: Connection) -> tuple[dict, dict]:
    store.upsert_blocks(out, conn=conn)
    n_updated = sum(b in known.get(w, ()) for w, b in zip(out["ward_code"], out["block_code"],
                                                            strict=True))
    return {"blocks": len(out) - n_updated}, {"blocks": n_updated}
