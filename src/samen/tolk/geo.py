"""Where a municipality lies: the centroid of its shipped CBS boundary (pure, no Django).

The centroids are computed once per process from the boundary files that the coverage map uses
(``samen/deelnames/data``); a municipality that no longer exists keeps the centroid of the last
boundary file that holds it. Distances are great-circle distances in kilometres."""

from __future__ import annotations

import json
import math
from functools import lru_cache
from importlib import resources

DATA = resources.files("samen.deelnames") / "data"
YEARS = (2017, 2018, 2019, 2022, 2023, 2024)
EARTH_RADIUS_KM = 6371.0


def _rings(geometry: dict):
    polygons = (
        [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    )
    for polygon in polygons:
        yield polygon[0]  # the outer ring; holes barely move a centroid


def ring_centroid(ring: list[list[float]]) -> tuple[float, float, float]:
    """(area, lon, lat) of a closed ring by the shoelace formula (planar, in degrees)."""
    a = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False):
        cross = x0 * y1 - x1 * y0
        a += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if a == 0:
        xs = [p[0] for p in ring]
        ys = [p[1] for p in ring]
        return 0.0, sum(xs) / len(xs), sum(ys) / len(ys)
    return abs(a / 2), cx / (3 * a), cy / (3 * a)


@lru_cache(maxsize=1)
def centroids() -> dict[str, tuple[float, float]]:
    """(lat, lon) per CBS municipality code, over all shipped boundary years (latest wins)."""
    result: dict[str, tuple[float, float]] = {}
    for year in YEARS:
        data = json.loads((DATA / f"gemeenten_{year}_wgs84.geojson").read_text(encoding="utf-8"))
        for feature in data["features"]:
            parts = [ring_centroid(ring) for ring in _rings(feature["geometry"])]
            total = sum(p[0] for p in parts)
            if total == 0:
                lon = sum(p[1] for p in parts) / len(parts)
                lat = sum(p[2] for p in parts) / len(parts)
            else:
                lon = sum(p[0] * p[1] for p in parts) / total
                lat = sum(p[0] * p[2] for p in parts) / total
            result[feature["properties"]["gemeentecode"]] = (lat, lon)
    return result


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance between two (lat, lon) points."""
    lat1, lon1 = map(math.radians, a)
    lat2, lon2 = map(math.radians, b)
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def gemeente_distance_km(code_a: str, code_b: str) -> float | None:
    """Distance between two municipalities' centroids; None when one is unknown."""
    table = centroids()
    if code_a not in table or code_b not in table:
        return None
    return distance_km(table[code_a], table[code_b])
