"""The made-up demo city, built once per test module (a pytest plugin, loaded by
tests/conftest.py), and the measures its tests share."""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from data.config.policy_files import load_policy
from data.demo import shapes as demo_geo
from data.demo.city import DemoCity, generate_demo
from zones.levels import LEVELS

POLICY = load_policy()
SEV = {code: lv.severity for code, lv in LEVELS.items()}
TOLERANCE = 0.001  # 0.1 % of the area


@pytest.fixture(scope="module")
def demo_city() -> DemoCity:
    return generate_demo()


def projected_area(geoms) -> np.ndarray:
    return shapely.area(geoms.to_crs(demo_geo.PROJECTED_CRS).to_numpy())


def close(a: float, b: float) -> bool:
    return abs(a - b) <= TOLERANCE * b
