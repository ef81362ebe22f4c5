"""A city built to attack the offline HTML map of one day (data/exports/map_html.py), for
its tests and those of the `export-map` command: six square wards, the first named and
noted with XSS attempts, reporting on DAY - 1 and DAY except for the last ward (unknown),
with the hostile name and note they carry, and the wards' GeoJSON read back out of a page."""

from __future__ import annotations

import datetime as dt
import json
import re

import pandas as pd
import shapely
from shapely.geometry import box

from data.store.database import Store, UploadMeta

DAY = dt.date(2021, 9, 30)
NAME = "<b>Phường</b></script><script>alert('name')</script>"
NOTE = "<img src=x onerror=alert(1)> </script>"
LEVELS = ("xanh", "da_cam", "do", "phong_toa")
CODES = [f"{90001 + i}" for i in range(6)]  # the last ward reports nothing: unknown


def hostile_city(store: Store) -> Store:
    """Six square wards, the first one named and noted with an XSS attempt; one report a
    ward on DAY - 1 and DAY except for the last ward."""
    wards = pd.DataFrame({
        "code": CODES, "name": [NAME, *[f"Phường {i}" for i in range(2, 7)]],
        "district_code": "901", "population": [1000 * (i + 1) for i in range(6)],
        "geometry": [shapely.to_wkb(box(106.6 + 0.02 * i, 10.7, 106.62 + 0.02 * i, 10.72))
                     for i in range(6)],
        "geometry_crs": "EPSG:4326", "source_crs": "EPSG:4326"})
    store.upsert_units(pd.DataFrame({"code": ["99"], "name": ["Tỉnh"]}),
                       pd.DataFrame({"code": ["901"], "name": ["<i>Quận</i>"],
                                     "province_code": ["99"]}), wards)
    rows = [{"ward_code": code, "block_code": "", "date": day, "level": LEVELS[i % 4],
             "new_cases": i, "tests_done": 10 * i, "note": NOTE if i == 0 else None}
            for day in (DAY - dt.timedelta(days=1), DAY) for i, code in enumerate(CODES[:-1])]
    store.record_upload(UploadMeta("t", "map.csv", "d" * 64, 1), pd.DataFrame(rows), {})
    return store


def features(html: str) -> list[dict]:
    """The wards' GeoJSON as folium writes it into the page's script."""
    at = re.search(r"geo_json_\w+_add\(\{", html).end() - 1
    return json.JSONDecoder().raw_decode(html, at)[0]["features"]
