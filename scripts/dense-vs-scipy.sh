#!/usr/bin/env bash
# The dense design against a scipy anchor, measured side by side in one run.
#
# For D4 on an n x n image (default 64: 4096 inputs and outputs, 16.8
# million weights, 2.1 million orbits) it times, best of REPEAT runs each:
#   - scipy: the same edge orbits as connected components of the graph on
#     the N*M pairs with an edge to each generator image
#     (scripts/dense_orbits_scipy.py, by its own timer: Python start-up,
#     imports and reading the instance are NOT counted against scipy);
#   - the whole `paramshare design --method dense -o FILE.json` process
#     (orbits, the computed automorphism_order, the 125 MB JSON);
#   - the same with --format npy (the 67 MB int32 matrix and FILE.bias.npy);
# both wall-clock seconds and CPU seconds (user + system: on a shared,
# loaded machine wall clock mostly measures waiting for a core). It checks
# that scipy and paramshare find the same orbits and that the layer's
# automorphism_order was computed as |D4| = 8. Prints the ratios.
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

# "wall cpu" of one run of the command (GNU time: elapsed, user + system)
timed() {
    /usr/bin/time -f "%e %U %S" -o "$work/time" "$@" >/dev/null 2>&1
    awk '{ printf "%s %.2f\n", $1, $2 + $3 }' "$work/time"
}
best() { sort -g -k1,1 | head -n 1; }

scipy=$(for _ in $(seq "$repeat"); do
    python3 scripts/dense_orbits_scipy.py "$work/d4.json" "$work/scipy.npy" |
        sed -E 's/.* in ([0-9.]+) s \(([0-9.]+) s CPU\)/\1 \2/'
done | best)
json=$(for _ in $(seq "$repeat"); do timed "$ps" design "$work/d4.json" --method dense -o "$work/d4.layer.json"; done | best)
npy=$(for _ in $(seq "$repeat"); do timed "$ps" design "$work/d4.json" --method dense --format npy -o "$work/d4.npy"; done | best)

python3 - "$work/scipy.npy" "$work/d4.npy" "$work/d4.layer.json" <<'PY'
import json, sys
import numpy as np
scipy_labels, ours = np.load(sys.argv[1]), np.load(sys.argv[2])
# the same partition: pairing our labels with scipy's gives as many pairs as either has labels
pairs = np.unique(np.stack([ours.ravel(), scipy_labels.ravel()]), axis=1)
assert pairs.shape[1] == len(np.unique(ours)) == len(np.unique(scipy_labels)), "different orbits"
with open(sys.argv[3]) as f:
    layer = json.load(f)
assert layer["automorphism_order"] == layer["group_order"] == "8" and layer["exact"], "closure"
print(f"same orbits ({pairs.shape[1]}); automorphism_order {layer['automorphism_order']} computed")
PY
read -r sw sc <<<"$scipy"
read -r jw jc <<<"$json"
read -r nw nc <<<"$npy"
printf 'D4 on %sx%s, best of %s, load average %s\n' "$n" "$n" "$repeat" "$(cut -d' ' -f1 /proc/loadavg)"
printf '  %-38s %7s s wall %7s s CPU\n' "scipy connected components" "$sw" "$sc"
printf '  %-38s %7s s wall %7s s CPU   %5.1fx faster (wall) %5.1fx (CPU)\n' \
    "design --method dense -o FILE.json" "$jw" "$jc" "$(echo "$sw / $jw" | bc -l)" "$(echo "$sc / $jc" | bc -l)"
printf '  %-38s %7s s wall %7s s CPU   %5.1fx faster (wall) %5.1fx (CPU)\n' \
    "design --method dense --format npy" "$nw" "$nc" "$(echo "$sw / $nw" | bc -l)" "$(echo "$sc / $nc" | bc -l)"
