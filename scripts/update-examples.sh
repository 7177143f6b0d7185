#!/usr/bin/env bash
# Regenerates every example output committed in README.md and docs/: the
# console sessions (tests/cli/doc_examples.rs), the paper table in docs/DESIGN.md
# (examples/paper_table.rs), docs/MALFORMED.md (tests/cli/malformed.rs), the
# pictures in docs/images/ and instances/README.md (instances/regenerate.sh).
# Review the diff afterwards: a changed output is either a fix or a regression.
#
# Usage: scripts/update-examples.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
cargo build --release --quiet
ps="$CARGO_TARGET_DIR/release/paramshare"

# The pictures: one design and one render each.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for picture in deepsets-5.dense deepsets-5.optimal cyclic-4.dense cyclic-4.optimal \
    rings-c4-8.sparse rings-c4-8.optimal nested-sets-3x4.dense fig1-d5-mirror.optimal \
    reverse-convolution.dense; do
  instance=${picture%.*}
  method=${picture##*.}
  "$ps" design "instances/$instance.json" --method "$method" -o "$work/$picture.json" 2>/dev/null
  "$ps" render "$work/$picture.json" -o "docs/images/$picture.png"
done
mkdir "$work/few"
cp instances/*.json "$work/few/"
"$ps" batch "$work/few" --methods dense,sparse,optimal --out "$work/batch" --time-limit 10 --quiet 2>/dev/null
cp "$work/batch/plot.svg" docs/images/batch-plot.svg

PARAMSHARE=$ps instances/regenerate.sh

# The checked examples rewrite themselves in this mode instead of failing.
PARAMSHARE_UPDATE_EXAMPLES=1 cargo test --release --quiet \
  --test cli --example paper_table -- doc_examples:: malformed:: the_committed_table_is_current
git status --short README.md docs instances
