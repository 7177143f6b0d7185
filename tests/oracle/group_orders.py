#!/usr/bin/env python3
"""Group orders and memberships by sympy, an oracle for tests/group_oracle.rs.

Reads JSON from standard input: a list of cases, each
{"degree": n, "generators": [[images...], ...], "tests": [[images...], ...]}
(image arrays: p[i] is where i goes, points 0..n-1). Prints one line per
case: the order of the group the generators generate, then 1 or 0 for each
test permutation (whether it is a member), separated by spaces.
"""
import json
import sys

from sympy.combinatorics import Permutation, PermutationGroup


def main():
    cases = json.load(sys.stdin)
    for case in cases:
        degree = case["degree"]
        gens = [Permutation(g, size=degree) for g in case["generators"]]
        if not gens:
            gens = [Permutation(list(range(degree)), size=degree)]
        group = PermutationGroup(gens)
        answers = [str(group.order())]
        for t in case["tests"]:
            answers.append("1" if group.contains(Permutation(t, size=degree)) else "0")
        print(" ".join(answers))


if __name__ == "__main__":
    main()
