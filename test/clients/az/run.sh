#!/usr/bin/env bash
# The newest azure-cli from PyPI (requirements.txt), unmodified and with no shim, against a freshly
# started emulator (strict tokens, --completion instant): az cloud register, az login with a
# service principal and with a managed identity, az vm install-patches (Windows and Linux),
# az vm assess-patches, az vm get-instance-view, az vm list, and an invalid request.
# az runs in its own virtual environment, made here in the download cache outside the repository
# and reused while requirements.txt is unchanged, with a cleared environment: its trust is
# REQUESTS_CA_BUNDLE (the emulator's certificate only), its state a throw-away AZURE_CONFIG_DIR,
# telemetry off, and HTTP(S)_PROXY a recorder that fails the test if az asks any other host.
# Ends with "az: N passed, N failed".
# Usage: bash test/clients/az/run.sh   (from anywhere; builds the project when needed)

set -uo pipefail
CLIENT_NAME=az
source "$(dirname "$0")/../lib.sh"
HERE=$REPO_ROOT/test/clients/az

python_venv azure-cli azure-cli

start_emulator --auth strict --completion instant
start_outbound_recorder
ARM=$EMULATOR_URL
GROUP=myResourceGroupName

# What az sees: nothing of this machine's environment but PATH. AZURE_CORE_COLLECT_TELEMETRY=false
# stops the telemetry upload az otherwise starts after each command; the survey prompt and the
# "new version available" notice are off too, so az asks no host but the emulator.
az() {
  env -i PATH="$VENV/bin:/usr/bin:/bin" HOME="$WORK/home" AZURE_CONFIG_DIR="$WORK/az" \
    REQUESTS_CA_BUNDLE="$EMULATOR_CERT" \
    AZURE_CORE_COLLECT_TELEMETRY=false AZURE_CORE_SURVEY_MESSAGE=false AZURE_CORE_NO_COLOR=true \
    AZURE_CORE_ONLY_SHOW_ERRORS=true AZURE_CORE_LOGIN_EXPERIENCE_V2=false \
    HTTP_PROXY="$OUTBOUND_PROXY" HTTPS_PROXY="$OUTBOUND_PROXY" NO_PROXY=localhost,127.0.0.1 \
    ${AZ_EXTRA_ENV:-} timeout 120 "$VENV/bin/az" "$@"
}
# az looks up its latest version once for a new AZURE_CONFIG_DIR (a 1 s connectivity check to its
# download storage, azure.cli.core.util.handle_version_update); a versionCheck.json that already
# names the installed version is what a configured az has, and it asks nothing.
mkdir -p "$WORK/home" "$WORK/az"
AZ_VERSION=$("$VENV/bin/python" -c 'from azure.cli.core import __version__; print(__version__)')
printf '{"versions": {"azure-cli": {"local": "%s"}, "core": {"local": "%s"}}, "update_time": ""}' "$AZ_VERSION" "$AZ_VERSION" >"$WORK/az/versionCheck.json"
log "azure-cli $AZ_VERSION, $("$VENV/bin/python" --version)"

expect_json() { # expect_json PYTHON_EXPRESSION_ON_r  (reads the last command's output, $WORK/out)
  python3 -c "import json,sys; r=json.load(open(sys.argv[1])); sys.exit(0 if ($1) else 1)" "$WORK/out"
}
run_and_expect() { # run_and_expect EXPRESSION AZ_ARGS...
  local expression=$1; shift
  az "$@" -o json >"$WORK/out" || return 1
  expect_json "$expression" || { echo "unexpected: $(head -c 600 "$WORK/out")"; return 1; }
}

check "az cloud register reads the emulator's /metadata/endpoints" \
  az cloud register -n PatchEmulator --endpoint-resource-manager "$ARM"
check "az cloud set" az cloud set -n PatchEmulator
check "az login --service-principal lists the emulator's subscription" \
  run_and_expect "[s['id'] for s in r] == ['00000000-0000-0000-0000-000000000000']" \
  login --service-principal -u any-client-id -p any-secret --tenant 00000000-0000-0000-0000-000000000001

check "az vm install-patches (Windows, the REST specification's example)" \
  run_and_expect "r['status'] == 'Succeeded' and r['installedPatchCount'] == sum(p['installationState'] == 'Installed' for p in r['patches']) > 0" \
  vm install-patches -g $GROUP -n myVMName --maximum-duration PT4H --reboot-setting IfRequired \
  --classifications-to-include-win Critical Security --max-patch-publish-date 2026-03-31T00:00:00Z
INSTALL_ID=$(python3 -c "import json; print(json.load(open('$WORK/out'))['installationActivityId'])" 2>/dev/null)

check "az vm install-patches (Linux, package masks)" \
  run_and_expect "r['status'] == 'Succeeded' and r['excludedPatchCount'] > 0 and all('version' in p and 'kbId' not in p for p in r['patches'])" \
  vm install-patches -g $GROUP -n myLinuxVMName --maximum-duration PT2H --reboot-setting IfRequired \
  --classifications-to-include-linux Critical Security --package-name-masks-to-exclude 'vim*'

check "az vm assess-patches" \
  run_and_expect "r['status'] == 'Succeeded' and len(r['availablePatches']) == r['criticalAndSecurityPatchCount'] + r['otherPatchCount']" \
  vm assess-patches -g $GROUP -n myVMName
ASSESSMENT_ID=$(python3 -c "import json; print(json.load(open('$WORK/out'))['assessmentActivityId'])" 2>/dev/null)

check "az vm get-instance-view shows the install and the assessment just run" \
  run_and_expect "r['instanceView']['patchStatus']['lastPatchInstallationSummary']['installationActivityId'] == '$INSTALL_ID' and r['instanceView']['patchStatus']['availablePatchSummary']['assessmentActivityId'] == '$ASSESSMENT_ID'" \
  vm get-instance-view -g $GROUP -n myVMName

check "az vm list -g" \
  run_and_expect "sorted(v['name'] for v in r) == ['myLinuxVMName', 'myVMName']" \
  vm list -g $GROUP

check "az vm list (the whole subscription)" \
  run_and_expect "sorted(v['name'] for v in r) == ['myLinuxVMName', 'myVMName']" \
  vm list

invalid_kb() {
  ! az vm install-patches -g $GROUP -n myVMName --maximum-duration PT4H --reboot-setting Never --kb-numbers-to-include 1111 \
    >"$WORK/invalid.out" 2>&1 || { echo "accepted"; return 1; }
  grep -q "InvalidParameter" "$WORK/invalid.out" && grep -q "kbNumbersToInclude' with value '1111' is not valid" "$WORK/invalid.out" \
    || { cat "$WORK/invalid.out"; return 1; }
}
check "an invalid KB number fails the command with InvalidParameter and Azure's message" invalid_kb

token_audience() {
  az account get-access-token --query accessToken -o tsv >"$WORK/token" || return 1
  python3 -c "import base64,json,sys; p=open(sys.argv[1]).read().split('.')[1]; c=json.loads(base64.urlsafe_b64decode(p+'=='*2)); print(c); sys.exit(c['aud']!='https://management.core.windows.net/')" "$WORK/token"
}
check "the token az holds is for ARM's audience" token_audience

az logout >/dev/null 2>&1
# Current az asks MSAL for managed-identity tokens, which knows App Service's IDENTITY_ENDPOINT and
# IDENTITY_HEADER (MSAL no longer reads MSI_ENDPOINT alone, as azure-cli 2.45 did).
AZ_EXTRA_ENV="IDENTITY_ENDPOINT=$EMULATOR_HTTP/msi/token IDENTITY_HEADER=any-header"
check "az login --identity (IDENTITY_ENDPOINT, App Service style)" \
  run_and_expect "r[0]['user']['assignedIdentityInfo'] == 'MSI'" \
  login --identity
check "az vm assess-patches with the managed identity's token" \
  run_and_expect "r['status'] == 'Succeeded'" \
  vm assess-patches -g $GROUP -n myLinuxVMName
AZ_EXTRA_ENV=

check "every request answered without a 5xx (the journal below)" print_journal
cat "$WORK/out"
check "az asked no host but the emulator (telemetry, version check, discovery)" no_outbound_requests
finish
