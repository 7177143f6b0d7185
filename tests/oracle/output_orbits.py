#!/usr/bin/env python3
"""Orbits of permutation groups by sympy, an oracle for tests/cli/trainable_layers.rs.

Reads JSON from standard input: a list of cases, each
{"degree": n, "generators": [[images...], ...]} (image arrays: p[i] is where
i goes, points 0..n-1). Prints one line per case: for each point, the index
of its orbit, orbits numbered in order of their least point, separated by
spaces (an empty line for degree 0).
"""
import json
import sys

from sympy.combinatorics import Permutation, PermutationGroup


def main():
    cases = json.load(sys.stdin)
    for case in cases:
        degree = case["degree"]
        if degree == 0:
            print("")
            continue
        gens = [Permutation(g, size=degree) for g in case["generators"]]
        if not gens:
            gens = [Permutation(list(range(degree)), size=degree)]
        orbits = sorted(PermutationGroup(gens).orbits(), key=min)
        label = [0] * degree
        for index, orbit in enumerate(orbits):
            for point in orbit:
                label[point] = index
        print(" ".join(str(x) for x in label))


if __name__ == "__main__":
    main()
