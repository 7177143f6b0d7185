#!/usr/bin/env bash
# Times `paramshare verify` against nauty's dreadnaut (sparse nauty, `As`)
# and Traces (`At`) on the same structures, exported by
# `paramshare verify --export-dreadnaut` (edge colours as subdivision vertices).
#
# Usage: scripts/compare-nauty.sh [--with-64] [WORKDIR]
#   --with-64  also run the dense D4 design on a 64x64 image (16.8 million
#              coloured edges; dreadnaut needs a 16.8-million-vertex graph)
# Needs: dreadnaut (Debian package nauty), python3, GNU time (/usr/bin/time).
# Prints one line per structure and tool: wall seconds, peak MB, group order.
set -euo pipefail

with64=0
if [[ "${1:-}" == "--with-64" ]]; then with64=1; shift; fi
work="${1:-$(mktemp -d)}"
mkdir -p "$work"
root="$(cd "$(dirname "$0")/.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"
cargo build --release --quiet --manifest-path "$root/Cargo.toml"
ps="$CARGO_TARGET_DIR/release/paramshare"
command -v dreadnaut >/dev/null || { echo "dreadnaut not found (apt-get install nauty)" >&2; exit 2; }

cd "$work"
"$ps" instance d4 32 -o d4-32.json
"$ps" instance tensor 20 2 2 -o s20.json
"$ps" instance torus 32 32 -o torus-32.json
cp "$root/tests/data/rubik-cube.json" rubik.json
cases=(d4-32 s20 rubik)
if [[ $with64 == 1 ]]; then "$ps" instance d4 64 -o d4-64.json; cases+=(d4-64); fi
for c in "${cases[@]}" torus-32; do
  "$ps" design "$c.json" --method dense -o "$c.layer.json"
done
# The exact 3-orbit torus pattern: orbits of (n, n), (n, n + e1), (n, n + e2).
python3 - torus-32.layer.json torus-32-3orbit.layer.json <<'PY'
import json, sys
layer = json.load(open(sys.argv[1]))
side = 32
t = layer["tying"]
keep = [t[0][0], t[side][0], t[1][0]]      # tying[m][n] for (n, m) = (0, 0), (0, e1), (0, e2)
layer["tying"] = [[keep.index(x) if x in keep else -1 for x in row] for row in t]
layer["method"] = "three-orbit"
layer["parameters"] = 3
layer["edges"] = sum(x >= 0 for row in layer["tying"] for x in row)
for k in ("automorphism_order", "closure_order", "exact"):
    layer.pop(k, None)
json.dump(layer, open(sys.argv[2], "w"))
PY
cases+=(torus-32-3orbit)

measure() { # label, tool, command...: prints label, tool, wall seconds, peak MB, order
  local label=$1 tool=$2; shift 2
  /usr/bin/time -f "%e %M" -o time.txt "$@" > out.txt 2>&1 || true
  read -r wall kb < <(tail -1 time.txt)
  local order
  order=$(grep -o 'grpsize=[^;]*' out.txt | head -1 | cut -d= -f2 || true)
  [[ -z "$order" ]] && order=$(grep -oE '(order|\|Aut\(pattern\)\| =) [0-9]+' out.txt | head -1 | grep -oE '[0-9]+$' || true)
  local cpu
  cpu=$(grep -o 'cpu time = [0-9.]*' out.txt | head -1 | cut -d= -f2 || true)
  printf '%-18s %-10s wall %7.2f s  peak %6d MB  %s%s\n' "$label" "$tool" "$wall" $((kb / 1024)) \
    "order ${order:-?}" "${cpu:+  (dreadnaut cpu$cpu s)}"
}

for c in "${cases[@]}"; do
  "$ps" verify "$c.layer.json" --export-dreadnaut "$c.dre" > /dev/null || true
  measure "$c" paramshare "$ps" verify "$c.layer.json"
  measure "$c" nauty sh -c "(echo As; cat $c.dre) | dreadnaut"
  measure "$c" traces sh -c "(echo At; cat $c.dre) | dreadnaut"
done
