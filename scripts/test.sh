#!/usr/bin/env bash
# The project's one test command: every target (unit, integration, examples,
# benches compiled as tests) and then the doc tests, which --all-targets skips.
# Used by .ci/run and quoted in the README.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test --workspace --all-targets "$@"
cargo test --workspace --doc "$@"
