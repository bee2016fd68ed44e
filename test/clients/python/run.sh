#!/usr/bin/env bash
# The newest azure-mgmt-compute, azure-mgmt-hybridcompute and azure-identity from PyPI
# (requirements.txt), unmodified, over
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

python_venv python-sdk requirements.txt
log "$("$VENV/bin/python" -c 'import sys, importlib.metadata as m; print("Python", sys.version.split()[0], *(f"{p} {m.version(p)}" for p in ("azure-mgmt-compute", "azure-mgmt-hybridcompute", "azure-identity", "azure-core")))')"

start_emulator --auth strict --completion polls:2 --retry-after 0
start_outbound_recorder

# test_patches.py (Compute), then test_arc.py (azure-mgmt-hybridcompute, Arc machines), one after the other.
status=0
for program in test_patches.py test_arc.py; do
  env -i PATH="$VENV/bin:/usr/bin:/bin" HOME="$WORK" \
    CPE_ENDPOINT="$EMULATOR_URL" CPE_ADMIN="$EMULATOR_HTTP" REQUESTS_CA_BUNDLE="$EMULATOR_CERT" \
    IDENTITY_ENDPOINT="$EMULATOR_HTTP/msi/token" IDENTITY_HEADER=any-header \
    HTTP_PROXY="$OUTBOUND_PROXY" HTTPS_PROXY="$OUTBOUND_PROXY" NO_PROXY=localhost,127.0.0.1 \
    timeout 300 "$VENV/bin/python" "$HERE/$program" >>"$WORK/program.out" 2>&1 || status=$?
done
report_program "$status"
