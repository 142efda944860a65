#!/usr/bin/env python3
"""The anchors' `geojson` boxes: the distinct z12 parents of the browsing mix's tiles of zoom 12
and more, ordered by x then y (as ../shared/bench/anchors/11_pg_load.sh's tiles_z12), each
printed as the OGC items path of kelurahan in that tile's envelope (EPSG:4326)."""
import math
import sys


def envelope(z, x, y):
    n = 2**z
    lon = lambda i: i / n * 360.0 - 180.0
    lat = lambda j: math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * j / n))))
    return lon(x), lat(y + 1), lon(x + 1), lat(y)


def main(mix_path, collection):
    parents = set()
    with open(mix_path) as mix:
        for line in mix:
            parts = line.strip().split("/")
            if len(parts) != 3:
                continue
            z, x, y = map(int, parts)
            if z >= 12:
                parents.add((x >> (z - 12), y >> (z - 12)))
    for x, y in sorted(parents):
        box = ",".join(f"{v:.9f}" for v in envelope(12, x, y))
        print(f"/ogc/collections/{collection}/items?bbox={box}&limit=1000")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "kelurahan")
