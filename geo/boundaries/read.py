"""Read a ward or block boundary file (GeoJSON, GeoPackage, zipped Shapefile, KML, KMZ),
check every feature and return it in EPSG:4326 with canonical columns, or refuse the whole
file with every problem found. Writing to the store is `data.ingest.boundaries`'s job.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd

from geo.boundaries.crs import SourceProblem, read_vector
from geo.boundaries.polygons import Repair, check_geometries, feature_problem
from zones.cells import (
    alias_lookup,
    block_code_cell,
    clean_text,
    code_cell,
    count_cell,
    is_blank,
    match_header,
)
from zones.codes import WIDTH
from zones.problems import Problem, Refused, Term

LEVELS = ("ward", "block")
# Canonical column → accepted spellings, compared after header_key. Shapefiles cut names
# to 10 characters (province_code → province_c); Com_ID/Dist_ID/Pop_2019 are CityScope's.
# The 2025 files (two tiers: no district fields) call the population `population`; a
# commune-level unit (xã, phường, đặc khu) is a ward here.
WARD_COLUMNS = {
    "province_code": ("province_c", "ma_tinh"),
    "province_name": ("province_n", "ten_tinh"),
    "district_code": ("district_c", "dist_id", "ma_huyen", "ma_quan"),
    "district_name": ("district_n", "ten_huyen", "ten_quan"),
    "ward_code": ("com_id", "ma_xa", "ma_phuong", "commune_code", "commune_c"),
    "ward_name": ("ten_xa", "ten_phuong", "commune_name", "commune_n"),
    "pop_2019": ("population", "dan_so"),
}
DISTRICT_FIELDS = ("district_code", "district_name")  # both (three tiers) or neither (two)
BLOCK_COLUMNS = {
    "ward_code": ("ma_xa", "ma_phuong"),
    "block_code": ("ma_to", "to_dan_pho"),
    "block_name": ("ten_to",),
    "population": ("pop_2019", "dan_so"),
}
COLUMNS = {"ward": WARD_COLUMNS, "block": BLOCK_COLUMNS}
_LOOKUP = {level: alias_lookup(columns) for level, columns in COLUMNS.items()}
REQUIRED = {"ward": ("province_code", "province_name", "ward_code", "ward_name"),
            "block": ("ward_code", "block_code")}
# GSO codes are zero-padded digits of a fixed width: 9541 was written by a tool that
# took the code for a number.
CODE_WIDTH = {f"{unit}_code": width for unit, width in WIDTH.items()}
BLOCK_CODE_MAX = 32  # blocks.block_code is String(32)
# Fields GDAL's LIBKML driver adds to every KML layer: not the file's attributes, so not
# worth a warning when they are ignored.
KML_FIELDS = {"id", "Name", "description", "timestamp", "begin", "end", "altitudeMode",
              "tessellate", "extrude", "visibility", "drawOrder", "icon"}


class BoundaryError(Refused):
    """A refused file, with every problem found in it (Problems placed by feature) and
    the repairs its polygons needed, so one report says everything about the file."""

    def __init__(self, source, problems: list[Problem], repairs: list[Repair] = ()):
        super().__init__(source, problems)
        self.repairs = list(repairs)


@dataclass
class BoundaryFile:
    gdf: gpd.GeoDataFrame  # EPSG:4326, canonical columns (optional ones only if in the file)
    level: str
    source_crs: str
    repairs: list[Repair] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)


_problem = feature_problem


def read_boundaries(path, *, crs: str | None = None, level: str = "ward",
                    known_areas: dict[str, set[str]] | None = None) -> BoundaryFile:
    """Read, check and normalise one boundary file; BoundaryError lists every problem.

    known_areas (ward → block codes, as Store.known_areas gives) adds the store's checks:
    a block's ward must exist, and a new block needs a name.
    """
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}, not {level!r}")
    try:
        raw = read_vector(Path(path))
    except SourceProblem as exc:
        raise BoundaryError(path, exc.problems) from None
    mapping, problems = _map_columns(list(raw.columns.drop("geometry")), level)
    table, labels, cell_problems = _normalise(raw, mapping, level)
    problems += cell_problems + _duplicates(table, labels, level)
    if level == "ward":
        problems += _inconsistent(table, labels)
    elif known_areas is not None:
        problems += _store_checks(table, labels, known_areas)
    geoms, source_crs, repairs, geo_problems = check_geometries(
        raw.geometry, labels, _names(table, level), crs)
    problems += geo_problems
    if problems:
        raise BoundaryError(path, _named(sorted(problems, key=lambda p: p.feature or 0),
                                         table, level), repairs)
    gdf = gpd.GeoDataFrame(table, geometry=geoms.to_numpy(), crs=geoms.crs)
    for col in ("pop_2019", "population"):
        if col in gdf:
            gdf[col] = gdf[col].astype("Int64")
    ignored = [c for c in raw.columns
               if c not in mapping.values() and c != "geometry" and c not in KML_FIELDS]
    return BoundaryFile(gdf, level, source_crs, repairs, ignored)


# ---- attributes ---------------------------------------------------------------------------

def _map_columns(names: list[str], level: str) -> tuple[dict[str, str], list]:
    """Canonical field → the file's column, with problems for missing or doubled fields."""
    found = {canon: [names[i] for i in idx]
             for canon, idx in match_header(names, _LOOKUP[level]).items()}
    problems = [_problem("two_columns", fld=canon, found=", ".join(cols))
                for canon, cols in found.items() if len(cols) > 1]
    listed = ", ".join(names) or Term("files.boundary.none")
    problems += [_problem("missing_column", fld=canon, found=listed)
                 for canon in _required(level, found) if canon not in found]
    return {canon: cols[0] for canon, cols in found.items()}, problems


def _required(level: str, found) -> tuple[str, ...]:
    """The fields a file must have: with one district field, the other one too (a file
    with neither is a two-tier province)."""
    if level == "ward" and any(f in found for f in DISTRICT_FIELDS):
        return REQUIRED[level] + DISTRICT_FIELDS
    return REQUIRED[level]


def _clean(canon: str, value, required) -> tuple[object, str | None, dict]:
    """(cleaned value, problem key or None, message arguments) for one cell."""
    if is_blank(value):
        # A blank optional cell keeps what the store has (see data.ingest.boundaries):
        # a ward's population (one unit of the 2025 files has none) or a block's name.
        return None, ("missing_value" if canon in required else None), {}
    if canon in ("pop_2019", "population"):
        clean, issue = count_cell(value)
    elif canon in CODE_WIDTH:  # invisible or look-alike characters are named
        clean, issue = code_cell(value, CODE_WIDTH[canon])
        issue = issue or ("bad_code", {"width": CODE_WIDTH[canon]})
    elif canon == "block_code":  # a numeric shapefile field gives 7.0 for block 7
        clean, issue = block_code_cell(value, BLOCK_CODE_MAX)
        issue = issue or ("long_code", {"width": BLOCK_CODE_MAX})
    else:
        return clean_text(value), None, {}
    return clean, *((None, {}) if clean is not None else issue)


def _normalise(raw: pd.DataFrame, mapping: dict[str, str], level: str):
    """The canonical, cleaned table, the feature labels, and a problem for every bad cell."""
    cleaned, bad = {}, []
    required = _required(level, mapping)
    for canon, column in mapping.items():
        values = []
        for i, value in enumerate(raw[column].tolist()):
            clean, key, fmt = _clean(canon, value, required)
            values.append(clean)
            if key:
                bad.append((i, canon, "" if is_blank(value) else str(value), key, fmt))
        cleaned[canon] = values
    table = pd.DataFrame(cleaned, index=range(len(raw)), dtype=object)
    order = [c for c in COLUMNS[level] if c in table]
    table = table[order].astype(object).where(table[order].notna(), None)
    labels = [_label(row, level) for row in table.to_dict("records")]
    problems = [_problem(key, i + 1, labels[i], canon, value, **fmt)
                for i, canon, value, key, fmt in bad]
    return table, labels, problems


def _label(row: dict, level: str) -> str | None:
    """How a feature is named in reports: its ward code, or ward_code/block_code."""
    if level == "ward":
        return row.get("ward_code")
    ward, block = row.get("ward_code"), row.get("block_code")
    return f"{ward or '?'}/{block or '?'}" if ward or block else None


def _names(table: pd.DataFrame, level: str) -> list:
    """Each feature's name as the file gives it (None where it gives none)."""
    column = "ward_name" if level == "ward" else "block_name"
    return list(table[column]) if column in table else [None] * len(table)


def _named(problems: list[Problem], table: pd.DataFrame, level: str) -> list[Problem]:
    """The problems with the name of the feature each is about, where the file has one."""
    names = _names(table, level)
    return [p if p.feature is None or p.name else
            dataclasses.replace(p, name=names[p.feature - 1]) for p in problems]


def _duplicates(table: pd.DataFrame, labels: list, level: str) -> list[Problem]:
    keys = ["ward_code"] if level == "ward" else ["ward_code", "block_code"]
    if any(k not in table for k in keys):
        return []
    seen: dict[tuple, int] = {}
    problems = []
    for i, key in enumerate(zip(*(table[k] for k in keys), strict=True)):
        if None in key:
            continue
        if key in seen:
            problems.append(_problem("duplicate", i + 1, labels[i], keys[-1], "/".join(key),
                                     other=seen[key], what="/".join(keys)))
        seen.setdefault(key, i + 1)
    return problems


def _inconsistent(table: pd.DataFrame, labels: list) -> list[Problem]:
    """A district (or province) code must carry one name and one parent in the whole file."""
    rules = [("district_code", "district_name"), ("district_code", "province_code"),
             ("province_code", "province_name")]
    problems = []
    for key, fld in rules:
        if key not in table or fld not in table:
            continue
        first: dict[str, tuple[object, int]] = {}
        for i, (code, value) in enumerate(zip(table[key], table[fld], strict=True)):
            if code is None or value is None:
                continue
            earlier, other = first.setdefault(code, (value, i + 1))
            if value != earlier:
                problems.append(_problem("inconsistent", i + 1, labels[i], fld, value,
                                         other=other, earlier=earlier, what=f"{key} {code}"))
    return problems


def _store_checks(table: pd.DataFrame, labels: list, known: dict[str, set[str]]) -> list:
    """Blocks hang off wards already in the store; a new block must bring its name."""
    problems = []
    for i, row in enumerate(table.to_dict("records")):
        ward, block = row.get("ward_code"), row.get("block_code")
        if ward is not None and ward not in known:
            problems.append(_problem("unknown_ward", i + 1, labels[i], "ward_code", ward))
        elif ward and block and block not in known[ward] and row.get("block_name") is None:
            problems.append(_problem("unnamed_block", i + 1, labels[i], "block_name", block))
    return problems
