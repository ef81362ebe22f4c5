"""import_boundaries into the store, on SQLite and PostgreSQL: the real files, derived
formats, refused files (nothing stored) and block polygons added to blocks from the CSV."""

from __future__ import annotations

import uuid

import geopandas as gpd
import pytest
import shapely
from sqlalchemy import select, text

from data.ingest.blocks import import_blocks_csv
from data.ingest.boundaries import import_boundaries
from data.store.database import Store
from data.store.schema import blocks, wards
from geo.boundaries.read import BoundaryError
from tests.support.boundary_files import (
    HADONG,
    UTM48N,
    block_strips,
    bow_tie,
    hadong,
    max_shift_m,
    write_geojson,
    write_gpkg,
    write_kmz,
    write_shp_zip,
)
from tests.support.fixtures import PG_ADMIN_URL, pg_admin_engine

HCMC = "boundaries/hcmc_wards_2021.geojson"
BLOCKS_CSV = "samples/hadong_blocks.csv"


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def real_store(request, shared_data, tmp_path_factory):
    """Both real files imported once per backend (HCMC is 2.7 MB)."""
    if request.param == "sqlite":
        url, drop = f"sqlite:///{tmp_path_factory.mktemp('real') / 'store.db'}", None
    else:
        admin, name = pg_admin_engine(), f"vx_{uuid.uuid4().hex[:12]}"
        with admin.connect() as c:
            c.execute(text(f'CREATE DATABASE "{name}"'))
        url, drop = f"{PG_ADMIN_URL.rsplit('/', 1)[0]}/{name}", (admin, name)
    store = Store(url)
    summaries = [import_boundaries(store, shared_data / f) for f in (HADONG, HCMC)]
    yield store, summaries
    store.dispose()
    if drop:
        with drop[0].connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{drop[1]}" WITH (FORCE)'))
        drop[0].dispose()


def stored_wards(store: Store) -> list[dict]:
    cols = [wards.c.code, wards.c.population, wards.c.geometry, wards.c.geometry_crs,
            wards.c.source_crs]
    with store.engine.connect() as c:
        return [dict(r) for r in c.execute(select(*cols).order_by(wards.c.code)).mappings()]


def test_real_files_are_stored_in_lonlat_valid_and_complete(real_store):
    store, (hadong_summary, hcmc_summary) = real_store
    assert hadong_summary.inserted == {"provinces": 1, "districts": 1, "wards": 17}
    assert hcmc_summary.inserted == {"provinces": 1, "districts": 22, "wards": 312}
    assert (hadong_summary.population, hcmc_summary.population) == (397_854, 8_993_082)
    areas = store.areas()
    by_province = areas.groupby("province_code")["population"].agg(["sum", "count"])
    assert by_province.loc["01"].tolist() == [397_854, 17]
    assert by_province.loc["79"].tolist() == [8_993_082, 312]
    rows = stored_wards(store)
    assert len(rows) == 329 and all(len(r["code"]) == 5 and r["code"].isdigit() for r in rows)
    assert {(r["geometry_crs"], r["source_crs"]) for r in rows} == {("EPSG:4326", "EPSG:4326")}
    geoms = shapely.from_wkb([bytes(r["geometry"]) for r in rows])
    assert shapely.is_valid(geoms).all()
    xmin, ymin, xmax, ymax = shapely.total_bounds(geoms)
    assert 102 < xmin < xmax < 110 and 8 < ymin < ymax < 24  # Vietnam, in lon/lat


def test_reimport_updates_and_changes_nothing(real_store, shared_data):
    store, _ = real_store
    before = stored_wards(store)
    summary = import_boundaries(store, shared_data / HADONG)
    assert summary.inserted == {"provinces": 0, "districts": 0, "wards": 0}
    assert summary.updated == {"provinces": 1, "districts": 1, "wards": 17}
    assert stored_wards(store) == before


@pytest.mark.parametrize("fmt", ["gpkg", "shp.zip", "kmz", "utm.geojson"])
def test_derived_formats_store_the_same_wards(fmt, sqlite_url, shared_data, tmp_path):
    """SQLite only: the format changes the reading, not the writing (tested on both)."""
    store, original = Store(sqlite_url), hadong(shared_data)
    writers = {"gpkg": lambda p: write_gpkg(original, p),
               "shp.zip": lambda p: write_shp_zip(original, p),
               "kmz": lambda p: write_kmz(original, p),
               "utm.geojson": lambda p: write_geojson(original.to_crs(UTM48N), p)}
    summary = import_boundaries(store, writers[fmt](tmp_path / f"wards.{fmt}"))
    assert summary.inserted["wards"] == 17
    rows = stored_wards(store)
    assert [r["population"] for r in rows] == original.sort_values("ward_code")["pop_2019"].tolist()
    got = gpd.GeoSeries(shapely.from_wkb([bytes(r["geometry"]) for r in rows]), crs=4326)
    assert max_shift_m(got, original.sort_values("ward_code").geometry) <= 1.0
    assert {r["source_crs"] for r in rows} == {UTM48N if fmt.startswith("utm") else "EPSG:4326"}


def test_refused_files_store_nothing(store, shared_data, tmp_path):
    original = hadong(shared_data)
    import_boundaries(store, shared_data / HADONG)
    counts, rows = store.table_counts(), stored_wards(store)
    no_crs = write_shp_zip(original.to_crs(UTM48N), tmp_path / "utm.zip", prj=False)
    dup = original.assign(pop_2019=1)
    dup.loc[9, "ward_code"] = dup.loc[2, "ward_code"]
    for path in (no_crs, write_geojson(dup, tmp_path / "dup.geojson")):
        with pytest.raises(BoundaryError):
            import_boundaries(store, path)
        assert store.table_counts() == counts and stored_wards(store) == rows
    summary = import_boundaries(store, no_crs, crs="EPSG:32648")
    assert summary.updated["wards"] == 17 and summary.source_crs == UTM48N
    assert {r["source_crs"] for r in stored_wards(store)} == {UTM48N}


def test_repaired_polygon_is_stored_valid(store, shared_data, tmp_path):
    broken = hadong(shared_data)
    broken.loc[3, "geometry"] = bow_tie(broken.geometry[3])
    summary = import_boundaries(store, write_geojson(broken, tmp_path / "bowtie.geojson"))
    assert [r.code for r in summary.repairs] == ["09544"]
    stored = shapely.from_wkb(bytes(stored_wards(store)[3]["geometry"]))
    assert stored.is_valid and stored.area > 0


def block_geometries(store: Store) -> dict[tuple[str, str], bytes]:
    with store.engine.connect() as c:
        q = select(blocks.c.ward_code, blocks.c.block_code, blocks.c.geometry)
        return {(w, b): g for w, b, g in c.execute(q) if g is not None}


def test_block_polygons_join_blocks_from_the_csv(store, shared_data, tmp_path):
    original = hadong(shared_data)
    import_boundaries(store, shared_data / HADONG)
    import_blocks_csv(store, shared_data / BLOCKS_CSV)
    before = store.areas()
    strips = block_strips(original.geometry[16], "10123", 8)  # Biên Giang: TDP01–TDP08
    summary = import_boundaries(store, write_geojson(strips, tmp_path / "b.geojson"),
                                level="block")
    assert (summary.inserted, summary.updated) == ({"blocks": 0}, {"blocks": 8})
    assert store.areas().equals(before)  # names and populations kept
    stored = block_geometries(store)
    assert sorted(stored) == [("10123", f"TDP{i:02d}") for i in range(1, 9)]
    assert all(shapely.from_wkb(bytes(g)).is_valid for g in stored.values())
    import_blocks_csv(store, shared_data / BLOCKS_CSV)  # names again: polygons stay
    assert block_geometries(store) == stored


def test_block_file_with_new_named_block_and_refusals(store, shared_data, tmp_path):
    original = hadong(shared_data)
    import_boundaries(store, shared_data / HADONG)
    strips = block_strips(original.geometry[16], "10123", 2).assign(
        block_name=["Tổ dân phố 1", "Tổ dân phố 2"], population=[100, 200])
    summary = import_boundaries(store, write_geojson(strips, tmp_path / "b.geojson"),
                                level="block")
    assert summary.inserted == {"blocks": 2} and summary.population == 300
    counts = store.table_counts()
    strips.loc[1, "ward_code"] = "09999"
    with pytest.raises(BoundaryError) as err:
        import_boundaries(store, write_geojson(strips, tmp_path / "c.geojson"), level="block")
    assert [(p.feature, p.column) for p in err.value.problems] == [(2, "ward_code")]
    assert store.table_counts() == counts
