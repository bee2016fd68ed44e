#!/usr/bin/env bash
# The newest azure-mgmt-compute, azure-mgmt-hybridcompute, azure-mgmt-maintenance, azure-mgmt-resourcegraph and azure-identity
# from PyPI (requirements.txt), unmodified, over
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
log "$("$VENV/bin/python" -c 'import sys, importlib.metadata as m; print("Python", sys.version.split()[0], *(f"{p} {m.version(p)}" for p in ("azure-mgmt-compute", "azure-mgmt-hybridcompute", "azure-mgmt-maintenance", "azure-mgmt-resourcegraph", "azure-identity", "azure-core")))')"

start_emulator --auth strict --completion polls:2 --retry-after 0
start_outbound_recorder

run_program() { # run_program FILE: one program, its output appended to $WORK/program.out
  env -i PATH="$VENV/bin:/usr/bin:/bin" HOME="$WORK" \
    CPE_ENDPOINT="$EMULATOR_URL" REQUESTS_CA_BUNDLE="$EMULATOR_CERT" CPE_ADMIN="$EMULATOR_HTTP" \
    IDENTITY_ENDPOINT="$EMULATOR_HTTP/msi/token" IDENTITY_HEADER=any-header \
    HTTP_PROXY="$OUTBOUND_PROXY" HTTPS_PROXY="$OUTBOUND_PROXY" NO_PROXY=localhost,127.0.0.1 \
    timeout 300 "$VENV/bin/python" "$HERE/$1" >>"$WORK/program.out" 2>&1
}
: >"$WORK/program.out"
run_program test_patches.py; status=$?
# Arc-enabled servers (azure-mgmt-hybridcompute): the seeded Arc machines, polls:2 like the VMs.
run_program test_arc.py || status=$?
run_program test_resource_graph.py || status=$?
# Scheduled patching (azure-mgmt-maintenance), after the patch operations: it freezes and advances the clock.
run_program test_maintenance.py || status=$?
report_program "$status"
