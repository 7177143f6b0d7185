#!/usr/bin/env python3
"""Probe `--cover` the way an outside user (and the acceptance run) would.

Generates varied instances nobody here planted (random graphs with and
without twin vertices, tensors k -> l including invariant and pooling
shapes, cyclic/dihedral/symmetric/... families with natural, trivial and
regular actions, `cycles`, and hand-written instance JSON in which one
group acts differently on the inputs and on the outputs: points, ordered
and unordered pairs, cosets, fixed points, unions), designs each with
`design --method optimal --cover` under both objectives, and checks every
layer against outside oracles only:

- unread inputs and dead outputs, counted from `tying` (must be 0, and equal
  the layer's fields);
- G preserves `tying` (each generator pair checked entry by entry);
- |G| by sympy; |Aut(tying)| by nauty's dreadnaut on a graph this script
  builds itself (inputs, outputs, one subdivision vertex per edge coloured
  by its parameter), so exact <=> |Aut| = |G| (and when no pattern can be
  exact, |Aut| = |Aut(dense)|, the closure, also by dreadnaut);
- `optimal: true`, `lower_bound` equal to the cost, a `proof`;
- `bias_tying` equal to sympy's output orbits, numbered by least output;
- on cases with at most --brute-subsets cheaper orbit subsets, a brute-force covering
  minimum: every covering union of edge orbits cheaper than the claimed
  optimum is shown not exact by dreadnaut (so lower_bound <= the true
  covering minimum: a false optimality proof would fail here).

Then `batch --cover` and `compare --cover` on the same instances must agree
with the design runs.

Usage: scripts/probe-cover.py [--seed S] [--count N] [--time-limit T]
                              [--brute-subsets K] [--bin PATH] [--work DIR]
Needs python3 with sympy, and dreadnaut (Debian package nauty).
Exit status 0 when every check passed, 1 otherwise (failures are listed).
"""
import argparse
import itertools
import json
import os
import random
import subprocess
import sys
import tempfile
import time

sys.setrecursionlimit(5000)

from sympy.combinatorics import Permutation, PermutationGroup

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


# ---------------------------------------------------------------- instances

def run(args, **kw):
    return subprocess.run(args, capture_output=True, text=True, **kw)


class Probe:
    def __init__(self, opts):
        self.opts = opts
        self.bin = opts.bin
        self.work = opts.work
        self.rng = random.Random(opts.seed)
        self.instances = []  # (name, path)
        self.failures = []
        self.stats = {}

    def bump(self, key, by=1):
        self.stats[key] = self.stats.get(key, 0) + by

    def fail(self, name, what):
        self.failures.append(f"{name}: {what}")
        print(f"FAIL {name}: {what}", flush=True)

    def instance(self, name, args):
        path = os.path.join(self.work, "in", name + ".json")
        r = run([self.bin, "instance", *args, "--name", name, "-o", path])
        if r.returncode != 0:
            self.fail(name, f"instance {' '.join(args)} exited {r.returncode}: {r.stderr.strip()}")
            return
        self.instances.append((name, path))

    def hand_written(self, name, n, m, gens):
        path = os.path.join(self.work, "in", name + ".json")
        with open(path, "w") as f:
            json.dump({"name": name, "input_size": n, "output_size": m,
                       "generators": [{"input": p, "output": q} for p, q in gens]}, f)
        self.instances.append((name, path))

    # random graphs ------------------------------------------------------
    def random_graph(self, v, p):
        return {(a, b) for a in range(v) for b in range(a + 1, v) if self.rng.random() < p}

    def with_twins(self, v, edges):
        """Duplicates random vertices as open (same neighbours) or closed twins."""
        adj = {x: set() for x in range(v)}
        for a, b in edges:
            adj[a].add(b)
            adj[b].add(a)
        for _ in range(self.rng.randint(1, 3)):
            x = self.rng.randrange(v)
            new = v
            v += 1
            adj[new] = set(adj[x])
            for y in adj[x]:
                adj[y].add(new)
            if self.rng.random() < 0.5:  # closed twin
                adj[new].add(x)
                adj[x].add(new)
        # relabel at random
        perm = list(range(v))
        self.rng.shuffle(perm)
        out = {(min(perm[a], perm[b]), max(perm[a], perm[b])) for a in adj for b in adj[a] if a < b}
        return v, out

    def random_graphs(self, prefix, sizes, densities, twin_chance):
        """--count random graphs of `sizes` vertices, some with twin vertices added."""
        for i in range(self.opts.count):
            v = self.rng.randint(*sizes)
            edges = self.random_graph(v, self.rng.choice(densities))
            twins = self.rng.random() < twin_chance
            if twins:
                v, edges = self.with_twins(v, edges)
            self.graph(f"{prefix}-{'twins-' if twins else ''}{i}", v, edges)

    def graph(self, name, v, edges):
        path = os.path.join(self.work, "in", name + ".edges")
        with open(path, "w") as f:
            f.write(f"vertices {v}\n")
            for a, b in sorted(edges):
                f.write(f"{a} {b}\n")
        self.instance(name, ["graph", path])

    # hand-written actions -------------------------------------------------
    def random_group(self, d):
        """1-3 random permutations of d points of mixed kinds (image arrays)."""
        gens = []
        for _ in range(self.rng.randint(1, 2)):
            kind = self.rng.randrange(4)
            p = list(range(d))
            pts = list(range(d))
            self.rng.shuffle(pts)
            if kind == 0:
                self.rng.shuffle(p)
            elif kind == 1:
                k = self.rng.randint(2, d)
                for i in range(k):
                    p[pts[i]] = pts[(i + 1) % k]
            elif kind == 2:
                for i in range(self.rng.randint(1, d // 2)):
                    a, b = pts[2 * i], pts[2 * i + 1]
                    p[a], p[b] = b, a
            else:
                k = self.rng.randint(2, d)
                moved = pts[:k]
                sh = moved[:]
                self.rng.shuffle(sh)
                for a, b in zip(moved, sh):
                    p[a] = b
            gens.append(p)
        return gens

    def side(self, kind, gens, d):
        """The permutations a side action induces, one per generator."""
        if kind == "points":
            return [g[:] for g in gens]
        if kind in ("pairs", "ordered"):
            if kind == "pairs":
                pairs = [(a, b) for a in range(d) for b in range(a + 1, d)]
            else:
                pairs = [(a, b) for a in range(d) for b in range(d) if a != b]
            at = {p: i for i, p in enumerate(pairs)}
            res = []
            for g in gens:
                if kind == "pairs":
                    res.append([at[tuple(sorted((g[a], g[b])))] for a, b in pairs])
                else:
                    res.append([at[(g[a], g[b])] for a, b in pairs])
            return res
        if "+" in kind:  # a union: the first action, then the second shifted
            a, b = kind.split("+", 1)
            left, right = self.side(a, gens, d), self.side(b, gens, d)
            if left is None or right is None:
                return None
            return [x + [y + len(x) for y in z] for x, z in zip(left, right)]
        if kind.startswith("fixed"):
            k = int(kind[5:])
            return [list(range(k)) for _ in gens]
        if kind == "cosets":
            return self.cosets(gens, d)
        if kind == "regular":
            return self.cosets(gens, d, trivial=True)
        raise ValueError(kind)

    def cosets(self, gens, d, trivial=False):
        G = PermutationGroup([Permutation(g, size=d) for g in gens])
        if G.order() > 200:
            return None
        elems = list(G.elements)
        sub_gens = [] if trivial else [self.rng.choice(elems)
                                       for _ in range(self.rng.randint(0, 1))]
        H = PermutationGroup(sub_gens or [Permutation(list(range(d)), size=d)])
        hel = list(H.elements)
        # right cosets H x, keyed by the smallest array form; action x -> x g
        def key(x):
            return min(tuple((h * x).array_form) for h in hel)
        reps = {}
        for x in elems:
            reps.setdefault(key(x), x)
        keys = sorted(reps)
        if not 2 <= len(keys) <= 24:
            return None
        index = {k: i for i, k in enumerate(keys)}
        return [[index[key(reps[k] * Permutation(g, size=d))] for k in keys] for g in gens]

    def medium(self):
        """Medium instances a user would try: larger images, tensors and graphs."""
        rng = self.rng
        for fam, arg in [("d4", "4"), ("d4", "5"), ("d4", "6"), ("d4", "7"), ("c4", "4"),
                         ("c4", "5"), ("c4", "6"), ("p4", "3"), ("p4", "4"), ("p4m", "3"),
                         ("p4m", "4"), ("cyclic", "12"), ("dihedral", "8"), ("dihedral", "9"),
                         ("symmetric", "5"), ("alternating", "5")]:
            for a, b in [("natural", "natural"), ("natural", "trivial"),
                         (rng.choice(["natural", "trivial:2", "regular"]),
                          rng.choice(["natural", "trivial", "regular"]))]:
                name = f"{fam}-{arg}-{a.replace(':', '')}-{b.replace(':', '')}"
                if any(x == name for x, _ in self.instances):
                    continue
                self.instance(name, [fam, arg, "--input-action", a, "--output-action", b])
        for a, b in [("3", "3"), ("3", "4"), ("4", "4"), ("2", "5")]:
            self.instance(f"torus-{a}-{b}", ["torus", a, b])
        for n, k, l in [(4, 2, 2), (5, 2, 1), (5, 1, 2), (6, 2, 0), (4, 3, 1), (4, 1, 3),
                        (5, 3, 0), (3, 3, 2), (6, 1, 1), (7, 2, 0), (4, 3, 0), (3, 2, 3)]:
            self.instance(f"tensor-{n}-{k}-{l}", ["tensor", str(n), str(k), str(l)])
        for a, b in [("3", "3"), ("2", "4"), ("4", "2")]:
            self.instance(f"sets-{a}-{b}", ["sets", a, b])
        self.random_graphs("graph-medium", (11, 20), [0.15, 0.25, 0.4], 0.5)

    def large(self):
        """Larger instances: where a proof may take long (no brute force reaches them)."""
        for fam, arg, a, b in [("d4", "8", "natural", "natural"), ("d4", "9", "natural", "trivial"),
                               ("d4", "10", "natural", "natural"), ("d4", "12", "natural", "trivial:2"),
                               ("d4", "16", "natural", "natural"), ("c4", "8", "natural", "natural"),
                               ("c4", "9", "natural", "trivial"), ("p4", "5", "natural", "natural"),
                               ("p4", "6", "natural", "trivial"), ("p4m", "5", "natural", "natural"),
                               ("dihedral", "12", "regular", "natural"),
                               ("cyclic", "30", "natural", "regular"),
                               ("symmetric", "5", "regular", "natural"),
                               ("alternating", "5", "natural", "regular")]:
            self.instance(f"{fam}-{arg}-{a.replace(':', '')}-{b.replace(':', '')}",
                          [fam, arg, "--input-action", a, "--output-action", b])
        for a, b in [("5", "5"), ("6", "6"), ("4", "8")]:
            self.instance(f"torus-{a}-{b}", ["torus", a, b])
        for n, k, l in [(5, 2, 2), (6, 2, 1), (6, 1, 2), (8, 2, 0), (5, 3, 1), (10, 2, 0),
                        (6, 2, 2), (4, 4, 0)]:
            self.instance(f"tensor-{n}-{k}-{l}", ["tensor", str(n), str(k), str(l)])
        self.instance("sets-3-4", ["sets", "3", "4"])
        self.instance("sets-4-3", ["sets", "4", "3"])
        self.random_graphs("graph-large", (25, 60), [0.08, 0.15, 0.3], 0.7)

    def generate(self):
        os.makedirs(os.path.join(self.work, "in"), exist_ok=True)
        rng = self.rng
        count = self.opts.count
        # graphs, with and without twins; trees and ring-with-pendant shapes
        self.random_graphs("graph", (4, 10), [0.2, 0.35, 0.5], 0.5)
        for i in range(max(2, count // 3)):
            v = rng.randint(5, 10)
            tree = {(rng.randrange(x), x) for x in range(1, v)}
            self.graph(f"tree-{i}", v, tree)
            ring = rng.randint(4, 7)
            pend = rng.randint(1, 3)
            edges = {(x, (x + 1) % ring) for x in range(ring)}
            edges = {(min(a, b), max(a, b)) for a, b in edges}
            for j in range(pend):
                edges.add((rng.randrange(ring), ring + j))
            self.graph(f"ring-pendants-{i}", ring + pend, edges)
        # tensors: k != l, invariant and pooling shapes
        for n, k, l in [(3, 0, 1), (4, 1, 0), (4, 0, 2), (4, 2, 0), (5, 2, 0), (3, 1, 2),
                        (3, 2, 1), (4, 1, 2), (2, 0, 3), (2, 3, 0), (3, 3, 1), (3, 1, 3),
                        (2, 2, 3), (5, 1, 0), (4, 2, 1), (3, 3, 0), (2, 1, 1), (3, 2, 2)]:
            self.instance(f"tensor-{n}-{k}-{l}", ["tensor", str(n), str(k), str(l)])
        # families with natural, trivial and regular actions
        acts = ["natural", "trivial", "trivial:2", "regular"]
        for fam, arg in [("cyclic", "5"), ("cyclic", "6"), ("cyclic", "4"), ("dihedral", "4"),
                         ("dihedral", "5"), ("symmetric", "4"), ("alternating", "4"),
                         ("c4", "3"), ("d4", "3")]:
            for a, b in [("natural", "natural")] + [
                    (rng.choice(acts), rng.choice(acts)) for _ in range(2)]:
                name = f"{fam}-{arg}-{a.replace(':', '')}-{b.replace(':', '')}"
                if any(n == name for n, _ in self.instances):
                    continue
                self.instance(name, [fam, arg, "--input-action", a, "--output-action", b])
        if self.opts.medium:
            self.medium()
        if self.opts.large:
            self.large()
        self.instance("torus-2-3", ["torus", "2", "3"])
        self.instance("sets-2-2", ["sets", "2", "2"])
        self.instance("reverse-conv", ["cycles", "3", "6", "(0 1 2) / (0 5 4 3 2 1)"])
        self.instance("z2-fixed", ["cycles", "5", "4", "(0 1)(2 3) / (0 1)"])
        self.instance("z3-fixed-both", ["cycles", "4", "5", "(0 1 2) / (0 1 2)"])
        # hand-written: one group, different actions on the two sides
        kinds = ["points", "pairs", "ordered", "fixed1", "fixed2", "points+fixed1",
                 "points+fixed2", "cosets", "cosets", "regular", "regular+fixed1",
                 "regular+fixed2", "fixed1+regular", "pairs+fixed1", "cosets+fixed1",
                 "points+regular", "regular+regular"]
        made = 0
        tries = 0
        while made < count and tries < 20 * count:
            tries += 1
            d = rng.randint(3, 6)
            gens = self.random_group(d)
            a, b = rng.choice(kinds), rng.choice(kinds)
            ins, outs = self.side(a, gens, d), self.side(b, gens, d)
            if ins is None or outs is None:
                continue
            n, m = len(ins[0]), len(outs[0])
            if n * m > 240 or n == 0 or m == 0:
                continue
            self.hand_written(f"hand-{made}-{a}-{b}", n, m, list(zip(ins, outs)))
            made += 1


# ----------------------------------------------------------------- oracles

def sympy_group(n, m, gens):
    deg = n + m
    perms = [Permutation(list(p) + [x + n for x in q], size=deg) for p, q in gens]
    if not perms:
        perms = [Permutation(list(range(deg)), size=deg)]
    return PermutationGroup(perms)


def output_orbit_labels(m, gens):
    if m == 0:
        return []
    perms = [Permutation(q, size=m) for _, q in gens] or [Permutation(list(range(m)), size=m)]
    orbits = sorted(PermutationGroup(perms).orbits(), key=min)
    label = [0] * m
    for i, o in enumerate(orbits):
        for x in o:
            label[x] = i
    return label


def edge_orbits(n, m, gens):
    """Union-find orbit label of each (m, n) entry, row-major, and the count."""
    parent = list(range(n * m))

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for p, q in gens:
        for r in range(m):
            for c in range(n):
                a, b = find(r * n + c), find(q[r] * n + p[c])
                if a != b:
                    parent[max(a, b)] = min(a, b)
    roots = {}
    label = []
    for x in range(n * m):
        label.append(roots.setdefault(find(x), len(roots)))
    return label, len(roots)


def dreadnaut_script(n, m, tying):
    """A coloured graph whose automorphism group is Aut(tying): inputs,
    outputs, one vertex per edge joined to its two ends, cells by colour."""
    edges = [(r, c, tying[r][c]) for r in range(m) for c in range(n) if tying[r][c] >= 0]
    v = n + m + len(edges)
    adj = {}
    colours = {}
    for i, (r, c, t) in enumerate(edges):
        e = n + m + i
        adj.setdefault(c, []).append(e)
        adj.setdefault(n + r, []).append(e)
        colours.setdefault(t, []).append(e)
    lines = [f"n={v} g"]
    for x in range(v):
        if x in adj:
            lines.append(f"{x}:" + " ".join(map(str, adj[x])) + ";")
    lines.append(".")
    cells = [list(range(n)), list(range(n, n + m))] + [colours[t] for t in sorted(colours)]
    cells = [c for c in cells if c]
    part = "|".join(",".join(map(str, c)) for c in cells)
    lines.append(f"f=[{part}] x")
    return "\n".join(lines) + "\n"


def dreadnaut_orders(scripts):
    """|Aut| of each script's graph, one dreadnaut run for all (exact integers)."""
    if not scripts:
        return []
    # As: sparse nauty (the dense mode needs V^2 bits: 545 MB for D4 on 16 x 16)
    text = "As -a -m\n" + "".join(scripts)
    out = run(["dreadnaut"], input=text).stdout
    sizes = []
    for line in out.splitlines():
        if "grpsize=" in line:
            s = line.split("grpsize=")[1].split(";")[0].strip()
            sizes.append(s)
    assert len(sizes) == len(scripts), f"dreadnaut answered {len(sizes)} of {len(scripts)}"
    return [parse_size(s) for s in sizes]


def parse_size(s):
    """dreadnaut prints an integer, or m.mmme+E beyond its integer range."""
    if "e" in s:
        mant, exp = s.split("e")
        return float(mant) * 10 ** int(exp)
    return int(s)


def same_order(theirs, ours):
    if isinstance(theirs, float):
        return abs(theirs - ours) <= 1e-9 * ours
    return theirs == ours


# ----------------------------------------------------------------- checks

def read_layer(path):
    with open(path) as f:
        return json.load(f)


class Instance:
    def __init__(self, path):
        with open(path) as f:
            inst = json.load(f)
        self.n, self.m = inst["input_size"], inst["output_size"]
        self.gens = [(g["input"], g["output"]) for g in inst["generators"]]
        self.group = sympy_group(self.n, self.m, self.gens)
        self.order = int(self.group.order())
        self.orbit_of, self.orbit_count = edge_orbits(self.n, self.m, self.gens)
        self.sizes = [0] * self.orbit_count
        for o in self.orbit_of:
            self.sizes[o] += 1
        dense = [[self.orbit_of[r * self.n + c] for c in range(self.n)] for r in range(self.m)]
        self.closure = dreadnaut_orders([dreadnaut_script(self.n, self.m, dense)])[0]
        # point clauses: the orbits meeting each input, each output
        cols = {tuple(sorted({self.orbit_of[r * self.n + c] for r in range(self.m)}))
                for c in range(self.n)}
        rows = {tuple(sorted({self.orbit_of[r * self.n + c] for c in range(self.n)}))
                for r in range(self.m)}
        self.clauses = [set(c) for c in cols | rows]


def check_layer(probe, name, inst, layer, objective):
    n, m = inst.n, inst.m
    tying = layer["tying"]
    what = f"{name} ({objective})"
    if len(tying) != m or any(len(r) != n for r in tying):
        probe.fail(what, "tying has the wrong shape")
        return None
    unread = sum(1 for c in range(n) if all(tying[r][c] < 0 for r in range(m)))
    dead = sum(1 for r in range(m) if all(x < 0 for x in tying[r]))
    if (unread, dead) != (0, 0):
        probe.fail(what, f"covering layer has {unread} unread inputs, {dead} dead outputs")
    if (layer.get("unread_inputs"), layer.get("dead_outputs")) != (unread, dead):
        probe.fail(what, f"fields say {layer.get('unread_inputs')}/{layer.get('dead_outputs')}, "
                   f"the tying {unread}/{dead}")
    if layer.get("cover") is not True:
        probe.fail(what, "no cover: true")
    for i, (p, q) in enumerate(inst.gens):
        if any(tying[q[r]][p[c]] != tying[r][c] for r in range(m) for c in range(n)):
            probe.fail(what, f"generator {i} does not preserve the tying")
            return None
    # tied entries lie in one edge orbit each, and each orbit is one parameter
    owner = {}
    for r in range(m):
        for c in range(n):
            t = tying[r][c]
            if t >= 0:
                o = inst.orbit_of[r * n + c]
                if owner.setdefault(t, o) != o:
                    probe.fail(what, f"parameter {t} spans two edge orbits")
                    return None
    chosen = set(owner.values())
    edges = sum(inst.sizes[o] for o in chosen)
    if layer["edges"] != edges or layer["parameters"] != len(chosen):
        probe.fail(what, "edges/parameters do not match the tying")
    if str(inst.order) != layer["group_order"]:
        probe.fail(what, f"group_order {layer['group_order']}, sympy {inst.order}")
    aut = dreadnaut_orders([dreadnaut_script(n, m, tying)])[0]
    if not same_order(aut, int(layer["automorphism_order"])):
        probe.fail(what, f"automorphism_order {layer['automorphism_order']}, dreadnaut {aut}")
    exact = same_order(aut, inst.order)
    target = inst.order if same_order(inst.closure, inst.order) else inst.closure
    if layer.get("exact") != exact:
        probe.fail(what, f"exact: {layer.get('exact')}, dreadnaut |Aut| {aut} vs |G| {inst.order}")
    if not same_order(aut, target):
        probe.fail(what, f"|Aut| {aut} is not the target {target} (|G| {inst.order}, "
                   f"closure {inst.closure})")
    if not same_order(inst.closure, int(layer["closure_order"])):
        probe.fail(what, f"closure_order {layer['closure_order']}, dreadnaut {inst.closure}")
    probe.bump("exact" if exact else "not exact (closure is the target)")
    cost = edges if objective == "edges" else len(chosen)
    bound = layer.get("lower_bound")
    if layer.get("optimal") is not True:
        probe.bump("not proved optimal")
        probe.fail(what, f"optimal: {layer.get('optimal')}, lower_bound {bound}, cost {cost}, "
                   f"stop {layer.get('stop_reason')}, proof {layer.get('proof')}")
    elif bound != cost or not layer.get("proof"):
        probe.fail(what, f"optimal: true with lower_bound {bound}, cost {cost}, proof {layer.get('proof')}")
    else:
        kind = layer["proof"].split(":")[0].split(" (")[0]
        probe.bump(f"proof: {kind}")
    if layer.get("bias_tying") != output_orbit_labels(m, inst.gens):
        probe.fail(what, "bias_tying is not sympy's output orbits")
    return {"cost": cost, "bound": bound, "target": target, "chosen": chosen}


def cheaper_subsets(weight, limit, cap):
    """Every non-empty subset (bit mask) of orbits costing less than `limit`,
    or None when there are more than `cap` of them."""
    k = len(weight)
    found = []

    def walk(o, mask, cost):
        if len(found) > cap:
            return
        if o == k:
            if mask:
                found.append((cost, mask))
            return
        walk(o + 1, mask, cost)
        if cost + weight[o] < limit:
            walk(o + 1, mask | 1 << o, cost + weight[o])

    walk(0, 0, 0)
    return None if len(found) > cap else found


def brute_force(probe, name, inst, objective, result):
    """Every covering union of orbits cheaper than the claim is not exact (dreadnaut)."""
    k = inst.orbit_count
    weight = inst.sizes if objective == "edges" else [1] * k
    limit = result["cost"]
    bound = result["bound"] if result["bound"] is not None else 0
    # Subsets up to the claimed cost: those at the claim include the layer's
    # own pattern, so the check also proves it can recognise an exact one.
    # (each orbit is a level of the enumeration's recursion)
    subsets = None if k > 500 else cheaper_subsets(weight, limit + 1, probe.opts.brute_subsets)
    if subsets is None:
        probe.bump("brute force skipped (too many cheaper subsets)")
        return
    clause_masks = [sum(1 << o for o in c) for c in inst.clauses]
    scripts, masks = [], []
    for cost, mask in subsets:
        if not all(mask & c for c in clause_masks):
            continue
        tying = [[inst.orbit_of[r * inst.n + c] if mask >> inst.orbit_of[r * inst.n + c] & 1 else -1
                  for c in range(inst.n)] for r in range(inst.m)]
        scripts.append(dreadnaut_script(inst.n, inst.m, tying))
        masks.append((cost, mask))
    orders = []
    for i in range(0, len(scripts), 2000):
        orders += dreadnaut_orders(scripts[i:i + 2000])
    exact = [(c, mk) for (c, mk), a in zip(masks, orders) if same_order(a, result["target"])]
    cheaper = [(c, mk) for c, mk in exact if c < limit]
    chosen = sum(1 << o for o in result["chosen"])
    if (limit, chosen) not in exact:
        probe.fail(f"{name} ({objective})", "the brute force does not find the layer's own "
                   "pattern exact (the probe is broken)")
    probe.bump("brute force covering minimum checked")
    probe.bump("brute force subsets refuted", len(scripts))
    if cheaper:
        best = min(cheaper)
        probe.fail(f"{name} ({objective})",
                   f"claimed {limit} (lower_bound {bound}) but the covering subset {best[1]:#b} "
                   f"of cost {best[0]} is exact by dreadnaut: FALSE OPTIMALITY")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--count", type=int, default=12)
    ap.add_argument("--time-limit", type=float, default=60)
    ap.add_argument("--brute-subsets", type=int, default=20000,
                    help="brute-force cases with at most this many cheaper orbit subsets")
    ap.add_argument("--bin", default=os.path.join(ROOT, "target", "release", "paramshare"))
    ap.add_argument("--work", default=None)
    ap.add_argument("--skip-batch", action="store_true")
    ap.add_argument("--from", dest="first", type=int, default=0,
                    help="design only the instances from this index on (to resume a long run)")
    ap.add_argument("--large", action="store_true",
                    help="also large instances (images to 16x16, tensors, graphs to 60 vertices)")
    ap.add_argument("--medium", action="store_true",
                    help="also medium instances (images to 7x7, tensors, graphs to 20 vertices)")
    opts = ap.parse_args()
    opts.work = opts.work or tempfile.mkdtemp(prefix="probe-cover-")
    probe = Probe(opts)
    probe.generate()
    print(f"{len(probe.instances)} instances in {opts.work}", flush=True)
    designed = {}
    slow = []
    for name, path in probe.instances[opts.first:]:
        try:
            inst = Instance(path)
        except Exception as e:  # noqa: BLE001 (report and go on)
            probe.fail(name, f"oracle could not read the instance: {e}")
            continue
        for objective in ["edges", "parameters"]:
            out = os.path.join(opts.work, f"{name}.{objective}.layer.json")
            start = time.time()
            r = run(["prlimit", "--as=6000000000", "--", opts.bin, "design", path,
                     "--method", "optimal", "--cover", "--objective", objective,
                     "--time-limit", str(opts.time_limit), "-o", out])
            secs = time.time() - start
            if r.returncode != 0:
                probe.fail(f"{name} ({objective})", f"design exited {r.returncode}: {r.stderr.strip()}")
                continue
            layer = read_layer(out)
            if secs > 5:
                slow.append((secs, name, objective, layer.get("optimal"), layer.get("lower_bound"),
                             layer["edges"] if objective == "edges" else layer["parameters"]))
            res = check_layer(probe, name, inst, layer, objective)
            probe.bump("layers checked")
            if res is not None:
                designed[(name, objective)] = (layer, res)
                brute_force(probe, name, inst, objective, res)
        print(f"  {name}: N={inst.n} M={inst.m} |G|={inst.order} orbits={inst.orbit_count} "
              + " ".join(f"{o}={designed[(name, o)][1]['cost']}"
                         f"{'' if designed[(name, o)][0].get('optimal') else '(unproved)'}"
                         for o in ["edges", "parameters"] if (name, o) in designed), flush=True)
    if not opts.skip_batch:
        check_batch_and_compare(probe, designed)
    print("\nstats:")
    for k in sorted(probe.stats):
        print(f"  {probe.stats[k]:6}  {k}")
    if slow:
        print("\nslow designs (> 5 s): seconds, instance, objective, optimal, lower_bound, cost")
        for s in sorted(slow, reverse=True):
            print(f"  {s[0]:6.1f}  {s[1]} {s[2]} optimal={s[3]} bound={s[4]} cost={s[5]}")
    print(f"\n{len(probe.failures)} failures")
    for f in probe.failures:
        print("  " + f)
    sys.exit(1 if probe.failures else 0)


def check_batch_and_compare(probe, designed):
    opts = probe.opts
    indir = os.path.join(opts.work, "in")
    for objective in ["edges", "parameters"]:
        out = os.path.join(opts.work, f"batch-{objective}")
        r = run(["prlimit", "--as=6000000000", "--", opts.bin, "batch", indir, "--methods",
                 "optimal", "--cover", "--objective", objective, "--time-limit",
                 str(opts.time_limit), "--quiet", "--out", out])
        if r.returncode != 0:
            probe.fail(f"batch ({objective})", f"exited {r.returncode}: {r.stderr.strip()[:400]}")
            continue
        with open(os.path.join(out, "summary.json")) as f:
            rows = json.load(f)["rows"]
        for row in rows:
            key = (row["instance"], objective)
            if key not in designed:
                continue
            layer, res = designed[key]
            bl = read_layer(os.path.join(out, f"{row['instance']}.optimal.layer.json"))
            for field in ["unread_inputs", "dead_outputs"]:
                if row.get(field, "absent") != 0 or bl.get(field) != 0:
                    probe.fail(f"batch {key}", f"{field}: row {row.get(field, 'absent')}, "
                               f"layer {bl.get(field)}")
            cost = bl["edges"] if objective == "edges" else bl["parameters"]
            if row["status"] != "ok" or row["optimal"] is not True or bl.get("cover") is not True:
                probe.fail(f"batch {key}", f"status {row['status']}, optimal {row['optimal']}")
            if cost != res["cost"]:
                probe.fail(f"batch {key}", f"cost {cost}, design gave {res['cost']}")
            if bl.get("bias_tying") != layer.get("bias_tying"):
                probe.fail(f"batch {key}", "bias_tying differs from design's")
            probe.bump(f"batch rows checked ({objective})")
        r = run(["prlimit", "--as=6000000000", "--", opts.bin, "compare", indir, "--methods",
                 "optimal", "--cover", "--objective", objective, "--time-limit",
                 str(opts.time_limit)])
        if r.returncode != 0:
            probe.fail(f"compare ({objective})", f"exited {r.returncode}: {r.stderr.strip()[:400]}")
            continue
        probe.compare_output = getattr(probe, "compare_output", {})
        probe.compare_output[objective] = r.stdout
        check_compare(probe, r.stdout, designed, objective)


def check_compare(probe, text, designed, objective):
    lines = text.splitlines()
    header = next((l for l in lines if "unread" in l and "dead" in l), None)
    if header is None:
        probe.fail(f"compare ({objective})", "no unread/dead columns:\n" + text[:500])
        return
    cols = header.split()
    # empty cells (ratios without a dense row) come after `dead`: read by position
    at_unread, at_dead = cols.index("unread"), cols.index("dead")
    seen = 0
    for line in lines:
        parts = line.split()
        if len(parts) <= at_dead or (parts[0], objective) not in designed:
            continue
        seen += 1
        if parts[at_unread] != "0" or parts[at_dead] != "0":
            probe.fail(f"compare {parts[0]} ({objective})",
                       f"unread {parts[at_unread]}, dead {parts[at_dead]}")
    probe.bump(f"compare rows checked ({objective})", seen)
    if seen == 0:
        probe.fail(f"compare ({objective})", "no row parsed:\n" + text[:800])


if __name__ == "__main__":
    main()
