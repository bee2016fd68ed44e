#!/usr/bin/env bash
# The newest azure-mgmt-compute and azure-identity from PyPI (requirements.txt), unmodified, over
# HTTPS against a freshly started emulator (strict tokens, --completion polls:2, --retry-after 0).
# The virtual environment is made here, in the download cache outside the repository, and
# reused while requirements.txt is unchanged. Trust: REQUESTS_CA_BUNDLE names the emulator's
# certificate, and nothing else (the program runs with a cleared environment).
# Ends with "python: N passed, N failed".
# Usage: bash test/clients/python/run.sh   (from anywhere; builds the project when needed)

set -uo pipefail
CLIENT_NAME=python
source "$(dirname "$0")/../lib.sh"
HERE=$REPO_ROOT/test/clients/python

command -v python3 >/dev/null 2>&1 || apt_install python3 python3-venv \
  || toolchain_missing "python3 is missing (apt-get install python3 python3-venv)"
python3 -c 'import venv, ensurepip' 2>/dev/null || apt_install python3-venv \
  || toolchain_missing "python3 cannot make a virtual environment (apt-get install python3-venv)"

VENV=$CLIENT_CACHE/python-sdk
STAMP=$VENV/.requirements-$(sha256sum "$HERE/requirements.txt" | cut -c1-16)
if [ ! -f "$STAMP" ]; then
  log "making the virtual environment $VENV (pip install -r requirements.txt)"
  rm -rf "$VENV"
  { python3 -m venv "$VENV" && "$VENV/bin/pip" install -q --disable-pip-version-check -r "$HERE/requirements.txt"; } >"$WORK/pip.log" 2>&1 \
    || { tail -20 "$WORK/pip.log"; toolchain_missing "pip could not install requirements.txt from PyPI"; }
  touch "$STAMP"
fi
log "$("$VENV/bin/python" -c 'import sys, importlib.metadata as m; print("Python", sys.version.split()[0], *(f"{p} {m.version(p)}" for p in ("azure-mgmt-compute", "azure-identity", "azure-core")))')"

start_emulator --auth strict --completion polls:2 --retry-after 0
start_outbound_recorder

env -i PATH="$VENV/bin:/usr/bin:/bin" HOME="$WORK" \
  CPE_ENDPOINT="$EMULATOR_URL" REQUESTS_CA_BUNDLE="$EMULATOR_CERT" \
  IDENTITY_ENDPOINT="$EMULATOR_HTTP/msi/token" IDENTITY_HEADER=any-header \
  HTTP_PROXY="$OUTBOUND_PROXY" HTTPS_PROXY="$OUTBOUND_PROXY" NO_PROXY=localhost,127.0.0.1 \
  timeout 300 "$VENV/bin/python" "$HERE/test_patches.py" >"$WORK/program.out" 2>&1
status=$?
sed "s/^/[$CLIENT_NAME] /" "$WORK/program.out"
count_program_output "$WORK/program.out" "$status"
check "every request answered without a 5xx (the journal below)" print_journal
cat "$WORK/out"
check "the client asked no host but the emulator" no_outbound_requests
finish
