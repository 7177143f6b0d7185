#!/usr/bin/env bash
# The oracles the tests compare against (programs no one here wrote):
# nauty's dreadnaut (automorphism groups), GAP's transitive groups library,
# python3 with sympy (group orders),
# numpy (the numpy example) and jsonschema (docs/schema/).
#
# Usage: scripts/oracles.sh           check; name what is missing and how to install it (exit 1)
#        scripts/oracles.sh --install install what is missing (apt-get and pip), then check
set -euo pipefail

missing() { # prints one line per missing oracle: what, and the command that installs it
  command -v dreadnaut >/dev/null 2>&1 || echo "dreadnaut (nauty): apt-get install nauty"
  # GAP's library of transitive groups (tests/optimality_suite).
  [ "$(printf 'Print(NrTransitiveGroups(4));QUIT;' | gap -q -b 2>/dev/null)" = 5 ] \
    || echo "gap with TransGrp: apt-get install gap gap-transgrp"
  if ! command -v python3 >/dev/null 2>&1; then
    echo "python3: apt-get install python3 python3-pip"
    return
  fi
  for module in sympy numpy jsonschema; do
    python3 -c "import $module" >/dev/null 2>&1 \
      || echo "python3 module $module: python3 -m pip install $module"
  done
}

if [ "${1:-}" = --install ]; then
  # GAP's transitive groups feed tests/optimality_suite; GRAPE is kept for
  # comparisons with GAP's graph automorphisms.
  if ! dpkg -s nauty gap gap-grape gap-transgrp >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get -o DPkg::Lock::Timeout=600 update -qq
    apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends nauty gap gap-grape gap-transgrp >/dev/null
  fi
  modules=$(missing | sed -n 's/^python3 module \([a-z]*\):.*/\1/p')
  if [ -n "$modules" ]; then
    # shellcheck disable=SC2086 # one word per module
    python3 -m pip install --quiet --disable-pip-version-check $modules \
      || python3 -m pip install --quiet --disable-pip-version-check --break-system-packages $modules
  fi
fi

gaps=$(missing)
if [ -n "$gaps" ]; then
  echo "missing test oracles (the tests compare against them, and a skipped comparison is not a pass):" >&2
  echo "$gaps" | sed 's/^/  /' >&2
  echo "install them with the commands above, or run: scripts/oracles.sh --install" >&2
  exit 1
fi
