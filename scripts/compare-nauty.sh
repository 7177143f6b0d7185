#!/usr/bin/env bash
# Times the verifier against nauty's dreadnaut (sparse nauty, `As`) and
# Traces (`At`) on the same structures, exported by
# `paramshare verify --export-dreadnaut` (edge colours as subdivision vertices).
#
# Usage: scripts/compare-nauty.sh [--with-64] [--no-bench] [WORKDIR]
#   --with-64   also run the dense D4 design on a 64x64 image (16.8 million
#               coloured edges; dreadnaut needs a 16.8-million-vertex graph)
#   --no-bench  skip criterion (ours: whole-process times only)
# Needs: dreadnaut (Debian package nauty), python3, GNU time (/usr/bin/time).
#
# Prints three tables:
# 1. Whole process, one run each: wall seconds, peak MB, group order
#    (ours parses the layer JSON; dreadnaut reads the subdivided graph).
# 2. Search time per structure. dreadnaut's own `cpu time` line has a 10 ms
#    resolution, so each structure is read once and `x` repeated R times in
#    one dreadnaut run; the time per search is (CPU(R) - CPU(1)) / (R - 1),
#    CPU = user + system seconds of the whole process, with R chosen so that
#    the R runs take about 3 s. Ours is criterion's mean for `verify_exact`
#    (benches/verify.rs: structure build from the tying matrix, G's
#    generators checked, search), which includes more than dreadnaut's `x`.
# 3. The ratios (theirs / ours; > 1 means we are faster).
set -euo pipefail

with64=0
bench=1
while [[ "${1:-}" == --* ]]; do
  case "$1" in
    --with-64) with64=1 ;;
    --no-bench) bench=0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
work="${1:-$(mktemp -d)}"
mkdir -p "$work"
root="$(cd "$(dirname "$0")/.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"
cargo build --release --quiet --manifest-path "$root/Cargo.toml"
ps="$CARGO_TARGET_DIR/release/paramshare"
command -v dreadnaut >/dev/null || { echo "dreadnaut not found (apt-get install nauty)" >&2; exit 2; }
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"

cd "$work"
"$ps" instance d4 32 -o d4-32.json
"$ps" instance tensor 20 2 2 -o s20.json
"$ps" instance torus 32 32 -o torus-32.json
cp "$root/tests/data/rubik-cube.json" rubik.json
# pooling / invariant layers: Aut of the dense design is a product of symmetric groups
"$ps" instance d4 32 --output-action trivial -o d4-32-pool.json
"$ps" instance tensor 20 2 0 -o s20-invariant.json
cases=(d4-32 s20 rubik d4-32-pool s20-invariant)
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
  [[ -z "$order" ]] && order=$(grep -oE '(order|\|Aut\(pattern\)\| =) [0-9][0-9.e]*' out.txt | head -1 | grep -oE '[0-9][0-9.e]*$' || true)
  printf '%-18s %-10s wall %7.2f s  peak %6d MB  %s\n' "$label" "$tool" "$wall" $((kb / 1024)) \
    "order ${order:-?}"
}

cpu_seconds() { # mode, graph file, partition line, repetitions: CPU seconds of one dreadnaut run
  local mode=$1 graph=$2 part=$3 reps=$4
  { echo "$mode"; cat "$graph"; echo "-a -m"; for ((i = 0; i < reps; i++)); do echo "$part x"; done; } > reps.dre
  /usr/bin/time -f "%U %S" -o cpu.txt dreadnaut < reps.dre > reps.out 2>&1
  [[ $(grep -c grpsize reps.out) == "$reps" ]] || { echo "dreadnaut did not run $reps searches" >&2; exit 3; }
  awk '{ print $1 + $2 }' cpu.txt
}

per_search() { # mode, graph file, partition line: seconds per `x`
  local mode=$1 graph=$2 part=$3
  local one eleven reps many
  one=$(cpu_seconds "$mode" "$graph" "$part" 1)
  eleven=$(cpu_seconds "$mode" "$graph" "$part" 11)
  # aim at ~3 s of repetitions, between 11 and 2001
  reps=$(awk -v a="$one" -v b="$eleven" 'BEGIN { x = (b - a) / 10; r = (x > 0) ? int(3 / x) : 2001;
    if (r < 11) r = 11; if (r > 2001) r = 2001; print r }')
  if [[ $reps == 11 ]]; then many=$eleven; else many=$(cpu_seconds "$mode" "$graph" "$part" "$reps"); fi
  awk -v a="$one" -v b="$many" -v r="$reps" 'BEGIN { printf "%.6f %d\n", (b - a) / (r - 1), r }'
}

echo
echo "== whole process, one run =="
for c in "${cases[@]}"; do
  "$ps" verify "$c.layer.json" --export-dreadnaut "$c.dre" > /dev/null || true
  measure "$c" paramshare "$ps" verify "$c.layer.json"
  measure "$c" nauty sh -c "(echo As; cat $c.dre) | dreadnaut"
  measure "$c" traces sh -c "(echo At; cat $c.dre) | dreadnaut"
done

echo
echo "== dreadnaut per search (x repeated R times in one run) =="
declare -A theirs
for c in "${cases[@]}"; do
  head -n -2 "$c.dre" > "$c.graph"
  part=$(grep '^f=' "$c.dre")
  for mode in As At; do
    read -r secs reps < <(per_search "$mode" "$c.graph" "$part")
    theirs[$c.$mode]=$secs
    printf '%-18s %-3s %10.3f ms per search (R = %d)\n' "$c" "$mode" "$(awk -v s="$secs" 'BEGIN { print s * 1000 }')" "$reps"
  done
done

[[ $bench == 1 ]] || exit 0
echo
echo "== ours: criterion, verify_exact (benches/verify.rs) =="
names='d4-32x32-dense|s20-matrices-dense|torus-32x32-three-orbits|rubik-dense|d4-32x32-pool-dense|s20-graph-invariant-dense'
[[ $with64 == 1 ]] && names="$names|d4-64x64-dense"
(cd "$root" && cargo bench --quiet --bench verify -- --noplot "^verify/($names)\$" 2>&1 | grep -E '^verify/|time:')
declare -A bench_name=([d4-32]=d4-32x32-dense [s20]=s20-matrices-dense [rubik]=rubik-dense
  [torus-32-3orbit]=torus-32x32-three-orbits [d4-64]=d4-64x64-dense
  [d4-32-pool]=d4-32x32-pool-dense [s20-invariant]=s20-graph-invariant-dense)
echo
echo "== ratios (theirs / ours; > 1: ours faster) =="
printf '%-18s %12s %12s %12s %8s %8s\n' structure ours nauty traces nauty/us traces/us
for c in "${cases[@]}"; do
  est="$CARGO_TARGET_DIR/criterion/verify/${bench_name[$c]}/new/estimates.json"
  ours=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['mean']['point_estimate'] / 1e9)" "$est")
  awk -v c="$c" -v o="$ours" -v n="${theirs[$c.As]}" -v t="${theirs[$c.At]}" 'BEGIN {
    printf "%-18s %9.3f ms %9.3f ms %9.3f ms %7.1fx %7.1fx\n", c, o * 1e3, n * 1e3, t * 1e3, n / o, t / o }'
done
