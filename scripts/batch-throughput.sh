#!/usr/bin/env bash
# Batch throughput on many small instances: the same batch with 1 and with 2
# worker threads, each from scratch (--force), twice. Prints wall, user and
# system time per run and the load average before it (other work on the
# machine inflates wall time). Results: /work/notes/batch-numbers.md.
#
# Usage: scripts/batch-throughput.sh [METHODS]   (default dense,sparse,optimal)
set -euo pipefail
cd "$(dirname "$0")/.."
methods=${1:-dense,sparse,optimal}
cargo build --release --quiet
bin=${CARGO_TARGET_DIR:-target}/release/paramshare
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/instances"
# 200 instances: C_n and D_n on n = 4..103 points, inputs = outputs
for n in $(seq 4 103); do
    "$bin" instance cyclic "$n" -o "$work/instances/cyclic-$(printf %03d "$n").json"
    "$bin" instance dihedral "$n" -o "$work/instances/dihedral-$(printf %03d "$n").json"
done
for round in 1 2; do
    for threads in 1 2; do
        echo "round $round, threads $threads, $(uptime | sed 's/.*load/load/')"
        /usr/bin/time -f "  wall %e s, user %U s, sys %S s" \
            "$bin" batch "$work/instances" --methods "$methods" --out "$work/out-$threads" \
            --threads "$threads" --force --quiet
    done
done
# the summaries must not depend on the thread count (timing columns aside)
if cmp -s <(cut -d, -f3-15 "$work/out-1/summary.csv") <(cut -d, -f3-15 "$work/out-2/summary.csv"); then
    echo "summaries identical for 1 and 2 threads (timing columns aside)"
else
    echo "summaries DIFFER between 1 and 2 threads"; exit 1
fi
