#!/usr/bin/env python3
"""The scipy anchor for the dense design: the G-orbits of input-output pairs as connected components.

Usage: python3 scripts/dense_orbits_scipy.py INSTANCE.json [OUT.npy]

Reads a FORMATS.md instance, builds the graph on the N*M pairs (n, m) with
an edge from each pair to its image under every generator, and labels its
connected components with scipy.sparse.csgraph.connected_components: the
dense design's edge orbits, label[m * N + n]. Prints the number of orbits
and the seconds the computation took, wall clock and CPU (Python start-up,
imports and reading the file excluded). With
OUT.npy the labels are saved as an int32 [M, N] array. Needs numpy and scipy.
"""
import json
import sys
import time

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components


def main(argv):
    if len(argv) not in (2, 3):
        print(__doc__, file=sys.stderr)
        return 2
    with open(argv[1]) as f:
        instance = json.load(f)
    n, m = instance["input_size"], instance["output_size"]
    gens = [(np.asarray(g["input"]), np.asarray(g["output"])) for g in instance["generators"]]
    start, start_cpu = time.perf_counter(), time.process_time()
    pairs = np.arange(n * m, dtype=np.int64)
    rows, cols = pairs // n, pairs % n
    sources, targets = [], []
    for g_in, g_out in gens:
        sources.append(pairs)
        targets.append(g_out[rows] * n + g_in[cols])
    src = np.concatenate(sources) if sources else np.zeros(0, dtype=np.int64)
    dst = np.concatenate(targets) if targets else np.zeros(0, dtype=np.int64)
    graph = coo_matrix((np.ones(len(src), dtype=np.int8), (src, dst)), shape=(n * m, n * m)).tocsr()
    count, labels = connected_components(graph, directed=True, connection="weak")
    seconds, cpu = time.perf_counter() - start, time.process_time() - start_cpu
    if len(argv) == 3:
        np.save(argv[2], labels.astype(np.int32).reshape(m, n))
    print(f"scipy: {count} orbits of {n * m} pairs in {seconds:.3f} s ({cpu:.3f} s CPU)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
