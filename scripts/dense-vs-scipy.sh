#!/usr/bin/env bash
# The dense design against a scipy anchor, measured side by side in one run.
#
# For D4 on an n x n image (default 64: 4096 inputs and outputs, 16.8
# million weights, 2.1 million orbits) it times, each best of REPEAT runs:
#   - scipy: the same edge orbits as connected components of the graph on
#     the N*M pairs with an edge to each generator image
#     (scripts/dense_orbits_scipy.py; its own timer, so Python start-up,
#     imports and reading the instance are NOT counted against scipy);
#   - the whole `paramshare design --method dense -o FILE.json` process
#     (orbits, the closure proof of automorphism_order, the 125 MB JSON);
#   - the same with --format npy (the 67 MB int32 matrix and FILE.bias.npy);
# and checks that both give the same orbits (the NPY matrix and scipy's
# labels describe the same partition). Prints the ratios.
#
# Usage: scripts/dense-vs-scipy.sh [n] [repeat]   (needs python3 with numpy and scipy)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-64}
repeat=${2:-3}
cargo build --release --quiet
ps=$PWD/target/release/paramshare
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$ps" instance d4 "$n" -o "$work/d4.json"

best() { sort -g | head -n 1; }
wall() { # seconds of one run of the command, by the shell's clock
    local t0 t1
    t0=$(date +%s.%N)
    "$@" >/dev/null 2>&1
    t1=$(date +%s.%N)
    echo "$t1 - $t0" | bc -l
}

scipy=$(for _ in $(seq "$repeat"); do
    python3 scripts/dense_orbits_scipy.py "$work/d4.json" "$work/scipy.npy" | sed -E 's/.* in ([0-9.]+) s/\1/'
done | best)
json=$(for _ in $(seq "$repeat"); do wall "$ps" design "$work/d4.json" --method dense -o "$work/d4.layer.json"; done | best)
npy=$(for _ in $(seq "$repeat"); do wall "$ps" design "$work/d4.json" --method dense --format npy -o "$work/d4.npy"; done | best)

python3 - "$work/scipy.npy" "$work/d4.npy" "$work/d4.layer.json" <<'PY'
import json, sys
import numpy as np
scipy_labels, ours = np.load(sys.argv[1]), np.load(sys.argv[2])
# same partition: the map from our labels to scipy's is a bijection
pairs = np.unique(np.stack([ours.ravel(), scipy_labels.ravel()]), axis=1)
assert pairs.shape[1] == len(np.unique(ours)) == len(np.unique(scipy_labels)), "different orbits"
with open(sys.argv[3]) as f:
    layer = json.load(f)
assert layer["automorphism_order"] == layer["group_order"] == "8" and layer["exact"], "closure"
print(f"same orbits ({pairs.shape[1]}), automorphism_order {layer['automorphism_order']} (computed)")
PY
printf 'D4 on %sx%s, best of %s (load %s)\n' "$n" "$n" "$repeat" "$(cut -d' ' -f1 /proc/loadavg)"
printf '  scipy connected components  %7.3f s\n' "$scipy"
printf '  design --method dense -o .json  %7.3f s  (%.1fx faster)\n' "$json" "$(echo "$scipy / $json" | bc -l)"
printf '  design --method dense --format npy  %7.3f s  (%.1fx faster)\n' "$npy" "$(echo "$scipy / $npy" | bc -l)"
