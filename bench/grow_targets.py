#!/usr/bin/env python3
"""Multiplies a dataset's targets by N, each copy in the RT of its original (issue 13, growth).

Reads a dataset description (datasets/*.json, as `sasaran import` reads it) and writes beside
it, in --out, a description of the same areas, collaborators and pledges whose targets file
holds every row N times:

- copy 1 of a row is the row itself (so the pledges, which name original ids, still apply);
- copy k (2..N) gets the id `<id>-<k>` (no original id has a '-'; checked) and the same
  program, need, size, priority, declared address and date; the copies have no pledges;
- when the row's point lies in its declared RT polygon, each copy's point is the original
  jittered by at most --radius degrees, kept only where it lies inside that same polygon and
  farther than 1e-5 deg (~1.1 m, ten times the importer's edge tolerance) from its every edge,
  tried again up to 32 times (halving the radius every 8), else the original point;
- any other row (no coordinates, an unreadable or decimal-comma number, swapped or misplaced
  coordinates, an empty or duplicate id, a bad field) is copied with its fields as they are,
  so that every outcome of the import report (accepted, flagged, rejected, ...) grows by
  exactly N: a duplicate's copies are duplicates of each other too.

Deterministic: the jitter of copy k of row r is drawn from BLAKE2b("seed/r/k/attempt"); the
same inputs give byte-identical files. Python 3 standard library only. The RT layer must be a
GeoJSON file (optionally .gz) in lon/lat, as the Jakarta set's is.

Usage: bench/grow_targets.py --times N --out DIR [--description datasets/jakarta.json]
                             [--datasets ROOT] [--radius 0.0003] [--seed sasaran]
Prints the two paths written (description first) and, on stderr, what it did.
"""

import argparse
import csv
import gzip
import hashlib
import io
import json
import math
import os
import struct
import sys

MARGIN = 1e-5  # degrees a jittered point keeps from its RT's edges
ATTEMPTS = 32
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def fail(message):
    sys.exit(f"grow_targets: {message}")


def resolve(root, file):
    # As geo/import/dataset_description.cpp: absolute, or relative to the datasets folder.
    return file if file.startswith("/") else root + "/" + file


def rule_parts(rule):
    return rule if isinstance(rule, list) else [rule]


def apply_rule(rule, properties):
    """geo::code_rule::apply: parts joined, fields stripped of a prefix and padded with '0'."""
    out, any_value = "", False
    for part in rule_parts(rule):
        if isinstance(part, dict) and "text" in part:
            out += part["text"]
            continue
        field = part if isinstance(part, str) else part["field"]
        value = properties.get(field)
        value = "" if value is None else str(value)
        if not value:
            continue
        any_value = True
        prefix = "" if isinstance(part, str) else part.get("strip_prefix", "")
        if prefix and value.startswith(prefix):
            value = value[len(prefix):]
        pad = 0 if isinstance(part, str) else part.get("pad", 0)
        out += value.rjust(pad, "0")
    return out if any_value else ""


def read_geojson(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as f:
        data = json.load(f)
    crs = (data.get("crs") or {}).get("properties", {}).get("name", "")
    if crs and not crs.endswith(("CRS84", "4326")):
        fail(f"{path}: in {crs}; convert it to EPSG:4326 first (ogr2ogr -t_srs EPSG:4326)")
    return data["features"]


def edges_of(geometry):
    """Every ring's edges as (x1, y1, x2, y2): enough for even-odd and edge distance."""
    kind, coords = geometry["type"], geometry["coordinates"]
    polygons = [coords] if kind == "Polygon" else coords if kind == "MultiPolygon" else []
    edges = []
    for polygon in polygons:
        for ring in polygon:
            for (x1, y1), (x2, y2) in zip(ring, ring[1:]):
                edges.append((x1, y1, x2, y2))
    return edges


def inside(edges, x, y):
    crossings = False
    for x1, y1, x2, y2 in edges:
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            crossings = not crossings
    return crossings


def clear_of_edges(edges, x, y, margin):
    m2 = margin * margin
    for x1, y1, x2, y2 in edges:
        dx, dy = x2 - x1, y2 - y1
        length2 = dx * dx + dy * dy
        t = 0.0 if length2 == 0 else max(0.0, min(1.0, ((x - x1) * dx + (y - y1) * dy) / length2))
        ex, ey = x1 + t * dx - x, y1 + t * dy - y
        if ex * ex + ey * ey <= m2:
            return False
    return True


def read_rts(description, root):
    layers = [a for a in description.get("areas", []) if a.get("level") == "rt"]
    if len(layers) != 1:
        fail("the description must have exactly one area layer of level rt")
    layer = layers[0]
    rts = {}
    for feature in read_geojson(resolve(root, layer["file"])):
        code = apply_rule(layer["code"], feature.get("properties") or {})
        if code and feature.get("geometry"):
            # The importer keeps the first area of a code; so does this.
            rts.setdefault(code, edges_of(feature["geometry"]))
    return rts


def padded(text, width):
    return text.strip().rjust(width, "0")


def read_targets(path):
    with open(path, "rb") as f:
        raw = f.read()
    text = raw.decode("utf-8-sig")
    first_line = text.split("\n", 1)[0]
    newline = "\r\n" if first_line.endswith("\r") else "\n"
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    if not rows:
        fail(f"{path}: empty")
    return rows[0], [r for r in rows[1:] if r], newline, delimiter


def number(text):
    try:
        value = float(text.strip())
    except ValueError:
        return None
    return value if math.isfinite(value) else None


class jitter:
    def __init__(self, seed, radius):
        self.seed, self.radius = seed, radius

    def draw(self, row, copy, attempt):
        digest = hashlib.blake2b(f"{self.seed}/{row}/{copy}/{attempt}".encode(), digest_size=16)
        a, b = struct.unpack("<QQ", digest.digest())
        radius = self.radius / (2 ** (attempt // 8))
        angle = a / 2**64 * 2 * math.pi
        distance = radius * math.sqrt(b / 2**64)
        return distance * math.cos(angle), distance * math.sin(angle)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    p.add_argument("--times", type=int, required=True, help="N: each row N times (N >= 1)")
    p.add_argument("--out", required=True, help="folder for the new description and targets")
    p.add_argument("--description", default=os.path.join(REPO, "datasets", "jakarta.json"))
    p.add_argument("--datasets", default=os.environ.get("SASARAN_DATASETS")
                   or os.path.join(os.path.dirname(REPO), "shared", "datasets"))
    p.add_argument("--radius", type=float, default=0.0003, help="degrees (0.0003 ~ 33 m)")
    p.add_argument("--seed", default="sasaran")
    a = p.parse_args()
    if a.times < 1:
        fail("--times must be at least 1")
    root = os.path.abspath(a.datasets)
    with open(a.description, encoding="utf-8") as f:
        description = json.load(f)
    if "targets" not in description:
        fail(f"{a.description}: names no targets file")
    rts = read_rts(description, root)
    header, rows, newline, delimiter = read_targets(resolve(root, description["targets"]))
    try:
        col = {name: header.index(name) for name in ("id", "lon", "lat", "kode_kel", "rw", "rt")}
    except ValueError as e:
        fail(f"targets file: column missing: {e}")
    ids = {r[col["id"]].strip() for r in rows if len(r) == len(header)}
    if any("-" in i for i in ids):
        fail("an original id has a '-', so '<id>-<k>' could collide with one")

    # Per row: the RT polygon its point lies in when that is its declared RT, else None.
    placed = []
    for r in rows:
        edges = None
        if len(r) == len(header):
            x, y = number(r[col["lon"]]), number(r[col["lat"]])
            declared = (r[col["kode_kel"]].strip() + padded(r[col["rw"]], 3) +
                        padded(r[col["rt"]], 3))
            own = rts.get(declared)
            if x is not None and y is not None and own and inside(own, x, y):
                edges = own
        placed.append(edges)

    os.makedirs(a.out, exist_ok=True)
    base = f"{description.get('name', 'dataset')}_x{a.times}"
    targets_path = os.path.abspath(os.path.join(a.out, base + "_targets.csv"))
    draw = jitter(a.seed, a.radius)
    jittered = kept_point = fallbacks = 0
    with open(targets_path, "w", encoding="utf-8", newline="") as out:
        w = csv.writer(out, delimiter=delimiter, lineterminator=newline)
        w.writerow(header)
        w.writerows(rows)
        for k in range(2, a.times + 1):
            for n, (r, edges) in enumerate(zip(rows, placed)):
                copy = list(r)
                if len(r) == len(header) and r[col["id"]].strip():
                    copy[col["id"]] = f"{r[col['id']].strip()}-{k}"
                if edges is None:
                    kept_point += 1
                else:
                    x0, y0 = number(r[col["lon"]]), number(r[col["lat"]])
                    for attempt in range(ATTEMPTS):
                        dx, dy = draw.draw(n, k, attempt)
                        lon, lat = f"{x0 + dx:.6f}", f"{y0 + dy:.6f}"
                        x, y = float(lon), float(lat)
                        if inside(edges, x, y) and clear_of_edges(edges, x, y, MARGIN):
                            copy[col["lon"]], copy[col["lat"]] = lon, lat
                            jittered += 1
                            break
                    else:
                        fallbacks += 1
                w.writerow(copy)

    grown = dict(description)
    grown["name"] = base
    grown["about"] = (f"{description.get('name', 'dataset')} with every target {a.times} times "
                      f"(bench/grow_targets.py, seed '{a.seed}', radius {a.radius}); "
                      "paths are absolute")
    grown["areas"] = [dict(layer, file=resolve(root, layer["file"]))
                      for layer in description.get("areas", [])]
    for key in ("collaborators", "pledges"):
        if key in description:
            grown[key] = resolve(root, description[key])
    grown["targets"] = targets_path
    description_path = os.path.abspath(os.path.join(a.out, base + ".json"))
    with open(description_path, "w", encoding="utf-8") as f:
        f.write(json.dumps(grown, indent=2, ensure_ascii=False) + "\n")
    copies = len(rows) * (a.times - 1)
    print(f"grow_targets: {len(rows)} rows x {a.times} = {len(rows) * a.times}; of the "
          f"{copies} copies {jittered} jittered inside their RT, {fallbacks} at the original "
          f"point (no jitter fitted), {kept_point} copied as they are (no point in the "
          "declared RT)", file=sys.stderr)
    print(description_path)
    print(targets_path)


if __name__ == "__main__":
    main()
