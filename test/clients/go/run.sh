#!/usr/bin/env bash
# armcompute (newest major) and azidentity from the Go module proxy (go.mod, go.sum), unmodified,
# over HTTPS against a freshly started emulator (strict tokens, --completion instant,
# --retry-after 0). Modules and the build cache stay in Go's own caches outside the repository
# (GOMODCACHE, GOCACHE). The program runs with a cleared environment: its only trust is
# SSL_CERT_FILE naming the emulator's certificate, which Go's crypto/x509 reads on Linux.
# Ends with "go: N passed, N failed".
# Usage: bash test/clients/go/run.sh   (from anywhere; builds the project when needed)

set -uo pipefail
CLIENT_NAME=go
source "$(dirname "$0")/../lib.sh"
HERE=$REPO_ROOT/test/clients/go

command -v go >/dev/null 2>&1 || toolchain_missing "the Go toolchain is missing (https://go.dev/doc/install; go.mod needs $(grep '^go ' "$HERE/go.mod"))"
log "$(go version)"

# -mod=readonly: go.sum pins every module; nothing is resolved anew here.
if ! (cd "$HERE" && go build -mod=readonly -o "$WORK/patch-client" .) >"$WORK/build.log" 2>&1; then
  cat "$WORK/build.log"
  if grep -q 'dial tcp\|proxy.golang.org\|requires go >=' "$WORK/build.log"; then toolchain_missing "go could not fetch the modules or is too old for go.mod"; fi
  failed=$((failed + 1)); log "FAILED: go build"; finish
fi
log "$(cd "$HERE" && go list -m github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/compute/armcompute/v8 github.com/Azure/azure-sdk-for-go/sdk/azidentity github.com/Azure/azure-sdk-for-go/sdk/azcore | tr '\n' ' ')"

start_emulator --auth strict --completion instant --retry-after 0
start_outbound_recorder

env -i PATH=/usr/bin:/bin HOME="$WORK" \
  CPE_ENDPOINT="$EMULATOR_URL" SSL_CERT_FILE="$EMULATOR_CERT" \
  IDENTITY_ENDPOINT="$EMULATOR_HTTP/msi/token" IDENTITY_HEADER=any-header \
  HTTP_PROXY="$OUTBOUND_PROXY" HTTPS_PROXY="$OUTBOUND_PROXY" NO_PROXY=localhost,127.0.0.1 \
  timeout 300 "$WORK/patch-client" >"$WORK/program.out" 2>&1
report_program "$?"
