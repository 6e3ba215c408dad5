#!/usr/bin/env bash
# The Debian packages a make target needs from the system, checked before anything else runs:
#   scripts/system_deps.sh site   python3 with venv, npm (the offline bundle's Worker shim: npm ci)
#   scripts/system_deps.sh test   the same, plus Chromium and its fonts (the browser tests) and pandoc (the oracle)
# Missing ones are installed with apt-get when running as root; otherwise this stops at once and
# prints the one command to run. $CHROMIUM names another Chromium binary (as the browser tests read it).
set -euo pipefail
purpose=${1:?usage: system_deps.sh site|test}

installed() {  # a Debian package is installed (where dpkg can tell); elsewhere assume it is
  if command -v dpkg-query >/dev/null 2>&1; then
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'ok installed'
  fi
}

need=()
if ! command -v "${PYTHON:-python3}" >/dev/null 2>&1; then
  need+=(python3 python3-venv)
elif ! "${PYTHON:-python3}" -c 'import venv, ensurepip' 2>/dev/null; then
  need+=(python3-venv)
fi
command -v npm >/dev/null 2>&1 || need+=(nodejs npm)
if [ "$purpose" = test ]; then
  chromium=${CHROMIUM:-$(command -v chromium 2>/dev/null || true)}
  { [ -n "$chromium" ] && [ -x "$chromium" ]; } || need+=(chromium)
  installed fonts-liberation || need+=(fonts-liberation)
  command -v pandoc >/dev/null 2>&1 || need+=(pandoc)  # the citeproc oracle (tests/test_oracle.py)
fi
[ ${#need[@]} -eq 0 ] && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "make $purpose: installing ${need[*]} (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
else
  echo "make $purpose: missing ${need[*]}. Run this, then make $purpose again:" >&2
  echo "  sudo apt-get install -y --no-install-recommends ${need[*]}" >&2
  exit 1
fi
