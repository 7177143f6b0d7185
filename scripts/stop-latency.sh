#!/usr/bin/env bash
# How soon the optimal design ends after it is told to stop, on issue 11's targets ("search at
# scale"): once with --time-limit 5, once with Ctrl-C (SIGINT) 4 s after the start. Each run is
# under a 6 GB address-space cap. Prints one markdown row per instance and stop: the seconds
# from the limit (or the signal) to the process's exit, its exit status, and what the written
# layer says (exact, optimal, stop_reason). A design that is proved before the stop says
# "before". The issue asks for at most 3 s, status 0 and a verified layer.
#
# Usage: scripts/stop-latency.sh [--quick]   (--quick: the 32 x 32 cases only)
# On a shared machine set LOCK=/path/to/lockfile: each run then holds that flock on its own.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
[[ "${1:-}" == "--one" ]] || cargo build --release --quiet
ps="$CARGO_TARGET_DIR/release/paramshare"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
locked() { if [[ -n "${LOCK:-}" ]]; then flock "$LOCK" "$@"; else "$@"; fi; }

layer_fields() {
  python3 - "$work/layer.json" <<'PY'
import json, sys
try:
    l = json.load(open(sys.argv[1]))
except (OSError, ValueError) as e:
    print(f"no layer ({type(e).__name__}) | | |")
    sys.exit()
print(f"{l.get('exact')} | {l.get('optimal')} | {l.get('stop_reason', '')} |")
PY
}

# --time-limit 5: the seconds past the limit.
with_limit() {
  rm -f "$work/layer.json"
  local start end status=0
  start=$(date +%s.%N)
  prlimit --as=6000000000 -- "$ps" design "$1" --method optimal --time-limit 5 \
    -o "$work/layer.json" 2>/dev/null || status=$?
  end=$(date +%s.%N)
  python3 -c "d=$end-$start; print(f'{d - 5:.2f}' if d > 5 else 'before ({:.2f} s)'.format(d), end='')"
  echo " | $status | $(layer_fields)"
}

# SIGINT 4 s in: the seconds from the signal to the exit.
with_signal() {
  rm -f "$work/layer.json"
  local pid sent end status=0
  prlimit --as=6000000000 -- "$ps" design "$1" --method optimal \
    -o "$work/layer.json" 2>/dev/null &
  pid=$!
  for _ in $(seq 40); do
    sleep 0.1
    kill -0 "$pid" 2>/dev/null || break
  done
  sent=$(date +%s.%N)
  if kill -INT "$pid" 2>/dev/null; then
    wait "$pid" || status=$?
    end=$(date +%s.%N)
    python3 -c "print(f'{$end - $sent:.2f}', end='')"
  else
    wait "$pid" || status=$?
    printf 'before'
  fi
  echo " | $status | $(layer_fields)"
}

# One measurement (run under the lock by the loop below): "$0 --one limit|signal INSTANCE".
if [[ "${1:-}" == "--one" ]]; then
  if [[ "$2" == limit ]]; then with_limit "$3"; else with_signal "$3"; fi
  exit
fi

source scripts/scale-targets.sh "${1:-}"

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| instance | stop | seconds after it | exit | exact | optimal | stop_reason |"
echo "|---|---|---|---|---|---|---|"
for instance in "${cases[@]}"; do
  name=$(basename "$instance" .json)
  echo "| $name | --time-limit 5 | $(locked "$0" --one limit "$instance")"
  echo "| $name | SIGINT at 4 s | $(locked "$0" --one signal "$instance")"
done
echo
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
