"""Build dashboard/assets/outlines.geojson: Natural Earth country outlines for the map, clipped to the region.

The map is drawn with no tile server (nothing may be fetched at run time), so the outlines ship
in the repository. Source: the npm package `world-atlas` 2.0.2, a TopoJSON redistribution of
Natural Earth 4.1.0 admin-0 countries at 1:10m (public domain). Its "Palestine" (id 275) is a
MultiPolygon of two parts, the Gaza Strip and the West Bank, which become two features here.

Usage (from the repository root):

    python dashboard/tools/build_outlines.py                 # runs `npm pack world-atlas@2.0.2` in a temp dir
    python dashboard/tools/build_outlines.py --source countries-10m.json   # or a world-atlas-*.tgz

The TopoJSON decoding (delta-encoded quantized arcs, negative indexes = reversed arcs) follows the
TopoJSON specification; clipping is Sutherland-Hodgman against a rectangle a little larger than
the map's widest view, so clipped edges stay off screen.
"""
from __future__ import annotations

import argparse
import json
import logging
import math
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from typing import Any

LOGGER = logging.getLogger(__name__)

PACKAGE = "world-atlas@2.0.2"
MEMBER = "package/countries-10m.json"
OUT_FILE = Path(__file__).resolve().parents[1] / "assets" / "outlines.geojson"

# The map's region (lon 33.5-36.5, lat 29-34) with a wide margin: a wide screen shows ~10 degrees of
# longitude around it, and clipped edges must stay off screen.
CLIP_BOX = (29.5, 27.0, 40.5, 35.5)  # west, south, east, north
DECIMALS = 4  # ~10 m: finer than the 1:10m source

Point = tuple[float, float]
Ring = list[Point]

PALESTINE_ID = "275"


def decode_arcs(topology: dict[str, Any]) -> list[list[Point]]:
    """Absolute lon/lat coordinates of every arc (undoing delta encoding and quantization)."""
    transform = topology.get("transform")
    arcs: list[list[Point]] = []
    for arc in topology["arcs"]:
        if transform:
            (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
            x = y = 0
            points = []
            for dx, dy in arc:
                x += dx
                y += dy
                points.append((x * sx + tx, y * sy + ty))
        else:
            points = [(float(p[0]), float(p[1])) for p in arc]
        arcs.append(points)
    return arcs


def ring_from_arcs(indexes: list[int], arcs: list[list[Point]]) -> Ring:
    """Join arcs into one ring; ~i (negative) means arc i reversed; shared end points kept once."""
    ring: Ring = []
    for index in indexes:
        points = arcs[index] if index >= 0 else arcs[~index][::-1]
        ring.extend(points if not ring else points[1:])
    return ring


def geometry_polygons(geometry: dict[str, Any], arcs: list[list[Point]]) -> list[list[Ring]]:
    """Polygons (each a list of rings, outer first) of a TopoJSON Polygon or MultiPolygon."""
    if geometry["type"] == "Polygon":
        return [[ring_from_arcs(r, arcs) for r in geometry["arcs"]]]
    if geometry["type"] == "MultiPolygon":
        return [[ring_from_arcs(r, arcs) for r in polygon] for polygon in geometry["arcs"]]
    return []


def clip_ring(ring: Ring, box: tuple[float, float, float, float]) -> Ring:
    """Sutherland-Hodgman clip of a closed ring to a rectangle; [] when nothing is left."""
    west, south, east, north = box
    edges = (
        (lambda p: p[0] >= west, lambda a, b: _cross_x(a, b, west)),
        (lambda p: p[0] <= east, lambda a, b: _cross_x(a, b, east)),
        (lambda p: p[1] >= south, lambda a, b: _cross_y(a, b, south)),
        (lambda p: p[1] <= north, lambda a, b: _cross_y(a, b, north)),
    )
    points = ring[:-1] if len(ring) > 1 and ring[0] == ring[-1] else list(ring)
    for inside, cross in edges:
        if not points:
            break
        result: Ring = []
        previous = points[-1]
        for current in points:
            if inside(current):
                if not inside(previous):
                    result.append(cross(previous, current))
                result.append(current)
            elif inside(previous):
                result.append(cross(previous, current))
            previous = current
        points = result
    if len(points) < 3:
        return []
    return points + [points[0]]


def _cross_x(a: Point, b: Point, x: float) -> Point:
    t = (x - a[0]) / (b[0] - a[0])
    return (x, a[1] + t * (b[1] - a[1]))


def _cross_y(a: Point, b: Point, y: float) -> Point:
    t = (y - a[1]) / (b[1] - a[1])
    return (a[0] + t * (b[0] - a[0]), y)


def ring_area_centroid(ring: Ring) -> tuple[float, Point]:
    """Planar (lon/lat) signed area and centroid of a closed ring (shoelace formula)."""
    area = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:]):
        cross = x0 * y1 - x1 * y0
        area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    area /= 2
    if area == 0:
        xs, ys = zip(*ring)
        return 0.0, (sum(xs) / len(xs), sum(ys) / len(ys))
    return area, (cx / (6 * area), cy / (6 * area))


def _rounded(ring: Ring) -> list[list[float]]:
    out: list[list[float]] = []
    for x, y in ring:
        point = [round(x, DECIMALS), round(y, DECIMALS)]
        if not out or out[-1] != point:
            out.append(point)
    return out


def _feature(name: str, country: str, iso_n3: str, polygons: list[list[Ring]]) -> dict[str, Any]:
    largest = max((p[0] for p in polygons), key=lambda r: abs(ring_area_centroid(r)[0]))
    _, (lon, lat) = ring_area_centroid(largest)
    coords = [[_rounded(r) for r in polygon] for polygon in polygons]
    geometry = (
        {"type": "Polygon", "coordinates": coords[0]} if len(coords) == 1
        else {"type": "MultiPolygon", "coordinates": coords}
    )
    return {
        "type": "Feature",
        "properties": {
            "name": name, "country": country, "iso_n3": iso_n3,
            "label_lon": round(lon, 3), "label_lat": round(lat, 3),
        },
        "geometry": geometry,
    }


def build(topology: dict[str, Any], box: tuple[float, float, float, float] = CLIP_BOX) -> dict[str, Any]:
    """GeoJSON FeatureCollection of the countries touching `box`, clipped to it; Palestine split in two."""
    arcs = decode_arcs(topology)
    features = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        name = geometry.get("properties", {}).get("name", "")
        iso = str(geometry.get("id", ""))
        polygons = []
        for polygon in geometry_polygons(geometry, arcs):
            clipped = [clip_ring(r, box) for r in polygon]
            if clipped and clipped[0]:
                polygons.append([r for r in clipped if r])
        if not polygons:
            continue
        if iso == PALESTINE_ID:
            # Natural Earth's Palestine is two parts: the one west of 34.6 E is the Gaza Strip.
            for polygon in polygons:
                _, (lon, _lat) = ring_area_centroid(polygon[0])
                part = "Gaza Strip" if lon < 34.6 else "West Bank"
                features.append(_feature(part, name, iso, [polygon]))
        else:
            features.append(_feature(name, name, iso, polygons))
    features.sort(key=lambda f: f["properties"]["name"])
    return {
        "type": "FeatureCollection",
        "bbox": list(box),
        "source": "Natural Earth 4.1.0 admin-0 countries 1:10m (public domain), via npm world-atlas 2.0.2",
        "features": features,
    }


def load_topology(source: Path | None) -> dict[str, Any]:
    """Read the TopoJSON from a .json file, a world-atlas .tgz, or `npm pack` it into a temp dir."""
    if source is not None and source.suffix == ".json":
        return json.loads(source.read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as tmp:
        if source is None:
            LOGGER.info("npm pack %s", PACKAGE)
            done = subprocess.run(
                ["npm", "pack", PACKAGE, "--silent"], cwd=tmp, check=True, capture_output=True, text=True,
            )
            source = Path(tmp) / done.stdout.strip().splitlines()[-1]
        with tarfile.open(source) as tar:
            member = tar.extractfile(MEMBER)
            if member is None:
                raise FileNotFoundError(f"{MEMBER} not found in {source}")
            return json.loads(member.read())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, help="countries-10m.json or world-atlas-*.tgz (default: npm pack)")
    parser.add_argument("--out", type=Path, default=OUT_FILE)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    collection = build(load_topology(args.source))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(collection, separators=(",", ":")) + "\n", encoding="utf-8")
    names = ", ".join(f["properties"]["name"] for f in collection["features"])
    LOGGER.info("wrote %s (%d bytes): %s", args.out, args.out.stat().st_size, names)
    return 0


if __name__ == "__main__":
    sys.exit(main())
