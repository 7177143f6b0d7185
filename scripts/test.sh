#!/usr/bin/env bash
# The project's one test command: every target (unit, integration, examples,
# benches compiled as tests) and then the doc tests, which --all-targets skips.
# Used by .ci/run and quoted in the README.
#
# Usage: scripts/test.sh [--install-oracles] [CARGO TEST OPTIONS]
# It passes only when it tested: the oracles the tests compare against must
# be installed (scripts/oracles.sh names what is missing and how to install
# it; --install-oracles installs them first), and PARAMSHARE_REQUIRE_ORACLES=1
# makes every oracle comparison fail, never skip, without its oracle.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = --install-oracles ]; then
    shift
    scripts/oracles.sh --install
else
    scripts/oracles.sh
fi
export PARAMSHARE_REQUIRE_ORACLES=1

# The library without its default `cli` feature stays light (issue 14: at
# most 110 crates, paramshare included).
crates=$(cargo tree --offline -e normal --no-default-features --prefix none | sed 's/ (\*)//' | sort -u | wc -l)
if [ "$crates" -gt 110 ]; then
    echo "the library without default features pulls $crates crates (at most 110): cargo tree -e normal --no-default-features" >&2
    exit 1
fi
cargo test --workspace --all-targets "$@"
cargo test --workspace --doc "$@"
