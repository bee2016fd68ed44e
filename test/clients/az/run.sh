#!/usr/bin/env bash
# The README's az recipe, run as written against a listening emulator (strict tokens): cloud
# register, service-principal login, az rest on the ARM API, an install started with az rest, the
# token az holds, and az login --identity through MSI_ENDPOINT. Installs Debian's azure-cli when
# missing (as root). Ends with "az: N passed, N failed"; skips (status 0, with the reason) where az
# cannot be had.
# Usage: bash test/az/run-az-test.sh   (from the repository root, after `npm run build`)

set -uo pipefail
cd "$(dirname "$0")/../.."

WORK=$(mktemp -d)
passed=0
failed=0
EMULATOR_PID=

log() { printf '[az-test] %s\n' "$*"; }
check() { # check NAME COMMAND...
  local name=$1; shift
  if "$@" >"$WORK/out" 2>"$WORK/err"; then passed=$((passed + 1)); log "ok: $name"
  else failed=$((failed + 1)); log "FAILED: $name"; tail -5 "$WORK/err"; fi
}
finish() {
  [ -n "$EMULATOR_PID" ] && kill "$EMULATOR_PID" 2>/dev/null && wait "$EMULATOR_PID" 2>/dev/null
  rm -rf "$WORK"
  echo "az: $passed passed, $failed failed"
  [ "$failed" -eq 0 ]
}

if ! command -v az >/dev/null 2>&1; then
  [ "$(id -u)" -eq 0 ] || { log "SKIPPED: az is missing and this is not root to install it"; exit 0; }
  log "installing Debian's azure-cli"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq azure-cli >/dev/null; } \
    || { log "SKIPPED: apt-get could not install azure-cli"; exit 0; }
fi
[ -f dist/server/cli.js ] || npm run build >/dev/null || { echo "az: 0 passed, 1 failed"; exit 1; }

free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
HTTPS_PORT=$(free_port)
HTTP_PORT=$(free_port)
node dist/server/cli.js --https-port "$HTTPS_PORT" --http-port "$HTTP_PORT" --data-dir "$WORK/data" \
  --auth strict --completion instant --silent >"$WORK/emulator.log" 2>&1 &
EMULATOR_PID=$!
for _ in $(seq 1 50); do grep -q 'is ready' "$WORK/emulator.log" && break; sleep 0.2; done # at most 10 s
grep -q 'is ready' "$WORK/emulator.log" || { cat "$WORK/emulator.log"; failed=1; finish; exit 1; }

# az's own state in a throw-away folder; its trust store is the emulator's certificate; no telemetry.
export AZURE_CONFIG_DIR=$WORK/az REQUESTS_CA_BUNDLE=$WORK/data/tls/cert.pem AZURE_CORE_COLLECT_TELEMETRY=false AZURE_CORE_ONLY_SHOW_ERRORS=true
ARM=https://localhost:$HTTPS_PORT
VM=/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/myResourceGroupName/providers/Microsoft.Compute/virtualMachines/myVMName

check "az cloud register reads /metadata/endpoints" az cloud register -n PatchEmulator --endpoint-resource-manager "$ARM"
check "az cloud set" az cloud set -n PatchEmulator
check "az login --service-principal lists the emulator's subscription" \
  bash -c "az login --service-principal -u any-client-id -p any-secret --tenant 00000000-0000-0000-0000-000000000001 --query '[].id' -o tsv | grep -qx 00000000-0000-0000-0000-000000000000"
check "az rest GET on the ARM API (a token the emulator signed, checked strictly)" \
  bash -c "az rest --method get --url '$ARM$VM?api-version=2024-07-01' --query name -o tsv | grep -qx myVMName"
check "az rest POST installPatches is accepted (202)" \
  bash -c "az rest --method post --url '$ARM$VM/installPatches?api-version=2024-11-01' --body '{\"maximumDuration\":\"PT4H\",\"rebootSetting\":\"IfRequired\",\"windowsParameters\":{\"classificationsToInclude\":[\"Critical\",\"Security\"]}}' --verbose 2>&1 | grep -q 'Response status: 202'"
check "the token az holds is for ARM's audience" \
  bash -c "az account get-access-token --query accessToken -o tsv | cut -d. -f2 | tr '_-' '/+' | base64 -d 2>/dev/null | grep -q '\"aud\":\"https://management.core.windows.net/\"'"
az logout >/dev/null 2>&1
check "az login --identity through MSI_ENDPOINT" \
  bash -c "MSI_ENDPOINT=http://localhost:$HTTP_PORT/msi/token az login --identity --query '[].user.assignedIdentityInfo' -o tsv | grep -qx MSI"

finish
