#!/usr/bin/env python3
"""bench/grow_targets.py on the tiny dataset (tests/data/dataset-tiny.json: 15 target rows,
one of each import outcome, in four RT squares of 0.01 deg).

GrowTargets checks the files; GrownDatasetImports (needs SASARAN_BINARY) imports them with
`sasaran import` and checks that every target outcome of the report is exactly three times
the original's. Usage: test_grow_targets.py [GrowTargets|GrownDatasetImports]
"""

import collections
import csv
import json
import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.dirname(os.path.dirname(HERE))
DATA = os.path.join(SOURCE, "tests", "data")
GENERATOR = os.path.join(SOURCE, "bench", "grow_targets.py")
TINY = os.path.join(DATA, "dataset-tiny.json")

# RT 001/001 of kelurahan 3171010001: the square the in-RT rows T01, T09..T13 lie in.
RT_1_1 = (106.80, -6.20, 106.81, -6.19)


def grow(out, times=3):
    done = subprocess.run(
        [sys.executable, GENERATOR, "--times", str(times), "--out", out, "--description", TINY,
         "--datasets", DATA], capture_output=True, text=True, check=True)
    return done.stdout.split()


def rows_of(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.reader(f))


class GrowTargets(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.description, self.targets = grow(self.dir.name)
        self.original = rows_of(os.path.join(DATA, "targets-15rows-one-of-each-outcome.csv"))
        self.grown = rows_of(self.targets)

    def tearDown(self):
        self.dir.cleanup()

    def test_three_times_gives_three_times_the_rows(self):
        self.assertEqual(len(self.original) - 1, 15)
        self.assertEqual(len(self.grown) - 1, 45)
        self.assertEqual(self.grown[0], self.original[0])
        self.assertEqual(self.grown[1:16], self.original[1:])

    def test_each_copy_gets_its_own_id_and_duplicates_stay_duplicates(self):
        ids = collections.Counter(r[0] for r in self.grown[1:])
        expected = collections.Counter()
        for r in self.original[1:]:
            if len(r) == 11:
                expected.update([r[0], r[0] + "-2", r[0] + "-3"])
            else:  # T14 lacks a field: rejected whatever its id, copied as it is
                expected.update([r[0]] * 3)
        self.assertEqual(ids, expected)
        self.assertEqual(ids["T01"], 2)  # a re-registration, as in the original
        self.assertEqual(ids["T01-2"], 2)
        self.assertEqual(ids["T14"], 3)
        self.assertEqual(len(ids), 40)

    def test_copies_keep_every_field_but_id_and_point(self):
        for k in (2, 3):
            for original, copy in zip(self.original[1:], self.grown[1 + 15 * (k - 1):]):
                self.assertEqual(copy[1:5] + copy[7:], original[1:5] + original[7:])

    def test_points_in_their_rt_are_jittered_inside_it_clear_of_its_edges(self):
        in_rt = {"T01", "T09", "T10", "T11", "T12", "T13"}
        moved = [r for r in self.grown[16:] if r[0].split("-")[0] in in_rt]
        self.assertEqual(len(moved), 14)  # T01 twice
        for r in moved:
            x, y = float(r[5]), float(r[6])
            self.assertNotEqual((r[5], r[6]), ("106.805", "-6.195"))
            self.assertEqual(len(r[5].split(".")[1]), 6)
            self.assertTrue(RT_1_1[0] + 1e-5 < x < RT_1_1[2] - 1e-5, r)
            self.assertTrue(RT_1_1[1] + 1e-5 < y < RT_1_1[3] - 1e-5, r)
            self.assertLess(abs(x - 106.805), 0.0003)
            self.assertLess(abs(y + 6.195), 0.0003)

    def test_points_elsewhere_or_unreadable_are_copied_as_they_are(self):
        # T02 decimal comma, T03/T07 swapped, T04 another RT, T05 outside, T06/T08 none.
        by_id = {r[0]: r for r in self.grown[1:]}
        for id_ in ("T02", "T03", "T04", "T05", "T06", "T07", "T08"):
            for k in (2, 3):
                self.assertEqual(by_id[f"{id_}-{k}"][5:7], by_id[id_][5:7], id_)

    def test_two_runs_are_byte_identical(self):
        with tempfile.TemporaryDirectory() as other:
            description, targets = grow(other)
            for a, b in ((self.targets, targets), (self.description, description)):
                with open(a, "rb") as fa, open(b, "rb") as fb:
                    first, second = fa.read(), fb.read()
                if a == self.description:  # the paths name the two folders
                    second = second.replace(other.encode(), self.dir.name.encode())
                self.assertEqual(first, second)

    def test_description_names_the_grown_targets_and_the_same_areas(self):
        with open(self.description, encoding="utf-8") as f:
            grown = json.load(f)
        with open(TINY, encoding="utf-8") as f:
            tiny = json.load(f)
        self.assertEqual(grown["name"], "tiny_x3")
        self.assertEqual(grown["targets"], self.targets)
        self.assertEqual(grown["pledges"], os.path.join(DATA, tiny["pledges"]))
        self.assertEqual([a["file"] for a in grown["areas"]],
                         [os.path.join(DATA, a["file"]) for a in tiny["areas"]])
        self.assertEqual([a["code"] for a in grown["areas"]], [a["code"] for a in tiny["areas"]])


class GrownDatasetImports(unittest.TestCase):
    def import_report(self, description, folder):
        binary = os.environ.get("SASARAN_BINARY")
        self.assertTrue(binary, "set SASARAN_BINARY to the sasaran executable")
        report = os.path.join(folder, "report.json")
        subprocess.run([binary, "import", description, "--db", os.path.join(folder, "db.sqlite"),
                        "--datasets", DATA, "--report", report], capture_output=True, check=True)
        with open(report, encoding="utf-8") as f:
            layers = {l["layer"]: l for l in json.load(f)["layers"]}
        return layers

    def test_every_target_outcome_is_three_times_the_original(self):
        with tempfile.TemporaryDirectory() as d:
            os.mkdir(os.path.join(d, "x1"))
            os.mkdir(os.path.join(d, "x3"))
            before = self.import_report(TINY, os.path.join(d, "x1"))
            after = self.import_report(grow(d)[0], os.path.join(d, "x3"))
        t1, t3 = before["targets"], after["targets"]
        self.assertEqual((t1["read"], t1["imported"], t1["rejected"]), (15, 6, 9))
        self.assertEqual((t3["read"], t3["imported"], t3["rejected"]), (45, 18, 27))
        for key in ("clean", "normalized", "repaired", "corrected", "flagged", "unlocated",
                    "within_tolerance"):
            self.assertEqual(t3[key], 3 * t1[key], key)
        self.assertEqual(t3["changes"]["inserted"], 18)
        self.assertEqual(t3["by_reason"],
                         {o: {r: 3 * n for r, n in reasons.items()}
                          for o, reasons in t1["by_reason"].items()})
        # The copies have no pledges: the pledge file's outcomes do not change.
        for key in ("read", "imported", "rejected", "by_reason"):
            self.assertEqual(after["pledges"][key], before["pledges"][key], key)


if __name__ == "__main__":
    unittest.main()
