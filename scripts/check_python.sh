#!/bin/sh
# Checked before pip runs: is there a Python new enough for the pinned dependencies, and was .venv made by it?
#   scripts/check_python.sh PYTHON VENV ORIGIN   (ORIGIN: make's $(origin PYTHON); "command line" or
#                                                 "environment" when the user named a Python)
# A .venv made by another Python (a failed first try with Debian 12's 3.11.2, or an older PYTHON=) is removed, so
# the next step rebuilds it with the Python asked for instead of reusing it. A Python too old gets one line saying
# what to install and pass, and exit status 2.
set -eu
python=$1 venv=$2 origin=${3:-default}
# pymdown-extensions (pinned in requirements.lock) declares Requires-Python >=3.11.5.
min=3.11.5

version_of() {  # the X.Y.Z of a Python interpreter, or nothing
  "$1" -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])' 2>/dev/null || true
}
older() {  # $1 < $2, both X.Y.Z
  [ "$1" != "$2" ] && [ "$(printf '%s\n%s\n' "$1" "$2" | sort -t. -k1,1n -k2,2n -k3,3n | head -n1)" = "$1" ]
}
too_old() {
  echo "make: $1; the pinned dependencies need Python $min or newer (Debian 12's python3 is 3.11.2 and it has" \
       "no python3.12 package): install one (e.g. 'uv python install 3.12' or pyenv) and run" \
       "'make $target PYTHON=/path/to/python3.12'" >&2
  exit 2
}
target=${MAKE_TARGET:-site}

made_by=""
if [ -f "$venv/pyvenv.cfg" ]; then
  made_by=$(sed -n 's/^version[_info]* *= *\([0-9][0-9.]*\).*/\1/p' "$venv/pyvenv.cfg" | head -n1)
fi
named=false
case $origin in "command line"|environment|"environment override") named=true;; esac

if [ -n "$made_by" ] && ! older "$made_by" "$min" && ! $named; then
  exit 0  # a .venv made by a good Python, and no other Python asked for: keep it
fi
wanted=$(version_of "$python")
[ -n "$wanted" ] || too_old "no working Python at '$python'"
older "$wanted" "$min" && too_old "$python is Python $wanted"
if [ -e "$venv" ] && [ "$made_by" != "$wanted" ]; then
  echo "make: $venv was made by Python ${made_by:-unknown}, not $python ($wanted): rebuilding it" >&2
  rm -rf "$venv"
fi
exit 0
