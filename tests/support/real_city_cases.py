"""The demo on real ward boundaries (a subset of the HCMC 2021 wards from ../shared/data),
as pytest fixtures loaded by tests/conftest.py, and the measures its tests share."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely

from data.demo.real import generate_real_demo
from geo.boundaries.read import read_boundaries

TOLERANCE = 0.001  # 0.1 % of the area
UTM = "EPSG:32648"
# Quận 1 and Quận 4 (dense, side by side across a canal) and Huyện Nhà Bè (rural, concave,
# cut by rivers): 30 of the 312 HCMC wards.
SUBSET_DISTRICTS = ("760", "773", "786")


@pytest.fixture(scope="session")
def hcmc_boundaries(shared_data):
    folder = shared_data / "boundaries"
    if not (folder / "hcmc_wards_2021.geojson").is_file():
        pytest.skip(f"no ward boundary files in {folder}: these tests cut blocks into them")
    return folder


@pytest.fixture(scope="session")
def subset_file(hcmc_boundaries, tmp_path_factory):
    wards = gpd.read_file(hcmc_boundaries / "hcmc_wards_2021.geojson")
    path = tmp_path_factory.mktemp("bounds") / "hcmc_subset.geojson"
    wards[wards["district_code"].isin(SUBSET_DISTRICTS)].to_file(path, driver="GeoJSON")
    return path


@pytest.fixture(scope="session")
def subset_wards(subset_file):
    return read_boundaries(subset_file, level="ward").gdf


@pytest.fixture(scope="module")
def real_city(subset_wards):
    return generate_real_demo(subset_wards, source="hcmc_subset.geojson", blocks_per_ward=8,
                              days=40)


def utm_area(geoms) -> np.ndarray:
    return shapely.area(gpd.GeoSeries(geoms, crs="EPSG:4326").to_crs(UTM).to_numpy())
