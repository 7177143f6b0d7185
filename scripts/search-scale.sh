#!/usr/bin/env bash
# The optimal design on issue 11's targets ("search at scale"): each run with
# --time-limit 60 under a 6 GB address-space cap, timed by /usr/bin/time -v.
# Prints one markdown row per instance: wall time, peak RSS, exit status,
# edges, the proved lower bound and whether optimality was proved. Then
# --time-limit 5 on D4 64 x 64 (how long after the limit the run ends).
#
# Usage: scripts/search-scale.sh [--quick]   (--quick: the 32 x 32 cases only)
# Run it on a quiet machine: every wall time is only as good as the load
# average printed with it. On a shared machine set LOCK=/path/to/lockfile:
# each run then holds that flock on its own.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
cargo build --release --quiet
ps="$CARGO_TARGET_DIR/release/paramshare"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

source scripts/scale-targets.sh "${1:-}"

# One run: "seconds peak_kib exit_status" on stdout, the layer in $work/layer.json.
locked() { if [[ -n "${LOCK:-}" ]]; then flock "$LOCK" "$@"; else "$@"; fi; }

timed() {
  locked /usr/bin/time -f "%e %M %x" -o "$work/time" prlimit --as=6000000000 -- \
    "$ps" design "$@" -o "$work/layer.json" 2>/dev/null || true
  cat "$work/time"
}

field() {
  python3 -c "import json,sys; l=json.load(open('$work/layer.json')); print(l.get('$1'))"
}

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| instance | wall s | peak RSS MB | exit | edges | lower bound | optimal |"
echo "|---|---|---|---|---|---|---|"
for instance in "${cases[@]}"; do
  read -r seconds kib status < <(timed "$instance" --method optimal --time-limit 60)
  echo "| $(basename "$instance" .json) | $seconds | $((kib / 1024)) | $status |" \
    "$(field edges) | $(field lower_bound) | $(field optimal) |"
done
echo
read -r seconds kib status < <(timed "$families/d4-64x64.json" --method optimal --time-limit 5)
echo "D4 64 x 64 with --time-limit 5: ${seconds} s wall, $((kib / 1024)) MB, exit $status," \
  "stop_reason $(field stop_reason), exact $(field exact)"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
