#!/usr/bin/env bash
# Builds the real Dockerfile and tests the image it makes, with podman (no Docker engine runs here,
# and no registry can be reached):
#   1. a stand-in for the base image node:20-bookworm-slim, built locally under that name (a Debian
#      root file system from debootstrap, plus this machine's Node 20, headers and npm), so the
#      Dockerfile builds unchanged;
#   2. podman build of the Dockerfile; podman run with every option set by environment;
#   3. waits (bounded) until the image's own HEALTHCHECK passes, then checks the user, the volume
#      and the ports, runs the JS SDK program (ClientSecretCredential and ManagedIdentityCredential
#      driving @azure/arm-compute through an install) against the container over HTTPS with the
#      certificate read from its volume, and stops it with SIGTERM, expecting exit status 0.
# Ends with "container: N passed, N failed". Skips (status 0, with the reason) where podman cannot run.
# Usage: bash test/container/run-container-test.sh   (from the repository root, after `npm run build`)

set -uo pipefail
cd "$(dirname "$0")/../.."

BASE_IMAGE=docker.io/library/node:20-bookworm-slim
IMAGE=localhost/compute-patch-emulator:container-test
CONTAINER=cpe-container-test-$$
# What podman needs on this kind of machine: crun fails on its cgroup set-up, and limits cannot be raised.
PODMAN_FLAGS=(--runtime runc --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 --network host)
WORK=$(mktemp -d)
passed=0
failed=0
started=$(date +%s)

log() { printf '[container-test] %s\n' "$*"; }
check() { # check NAME COMMAND...
  local name=$1; shift
  if "$@"; then passed=$((passed + 1)); log "ok: $name"; else failed=$((failed + 1)); log "FAILED: $name"; fi
}
finish() {
  podman rm -f "$CONTAINER" >/dev/null 2>&1
  podman rmi -f "$IMAGE" >/dev/null 2>&1
  rm -rf "$WORK"
  log "took $(( $(date +%s) - started )) s"
  echo "container: $passed passed, $failed failed"
  [ "$failed" -eq 0 ]
}
skip() { log "SKIPPED: $*"; rm -rf "$WORK"; exit 0; }

# --- tools -------------------------------------------------------------------------------------
missing=()
for tool in podman runc debootstrap; do command -v "$tool" >/dev/null 2>&1 || missing+=("$tool"); done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then skip "needs ${missing[*]} and is not root to install them"; fi
  log "installing ${missing[*]}"
  if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq podman runc debootstrap >/dev/null; }; then
    skip "could not install ${missing[*]} with apt-get"
  fi
fi
if ! podman --runtime runc info >/dev/null 2>&1; then skip "podman cannot run here: $(podman --runtime runc info 2>&1 | tail -1)"; fi
if [ ! -f dist/test/fixtures/sdk-install.js ]; then log "building the project (npm run build)"; npm run build >/dev/null || { echo "container: 0 passed, 1 failed"; exit 1; }; fi

# --- 1. the base image stand-in ------------------------------------------------------------------
if podman image exists "$BASE_IMAGE"; then
  log "base image $BASE_IMAGE already present"
else
  log "building a stand-in for $BASE_IMAGE (debootstrap bookworm + this machine's Node $(node --version))"
  ROOTFS=$WORK/rootfs
  debootstrap --variant=minbase bookworm "$ROOTFS" http://deb.debian.org/debian >"$WORK/debootstrap.log" 2>&1 \
    || { tail -20 "$WORK/debootstrap.log"; skip "debootstrap failed"; }
  NODE_PREFIX=$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")
  mkdir -p "$ROOTFS/usr/local/bin" "$ROOTFS/usr/local/lib/node_modules" "$ROOTFS/usr/local/include" "$ROOTFS/usr/local/etc"
  cp "$NODE_PREFIX/bin/node" "$ROOTFS/usr/local/bin/node"
  cp -a "$NODE_PREFIX/lib/node_modules/npm" "$ROOTFS/usr/local/lib/node_modules/npm"
  cp -a "$NODE_PREFIX/include/node" "$ROOTFS/usr/local/include/node"
  ln -s ../lib/node_modules/npm/bin/npm-cli.js "$ROOTFS/usr/local/bin/npm"
  ln -s ../lib/node_modules/npm/bin/npx-cli.js "$ROOTFS/usr/local/bin/npx"
  chroot "$ROOTFS" sh -c 'groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/bash --create-home node'
  # The network trust this machine uses to reach the registries.
  if ls /usr/local/share/ca-certificates/*.crt >/dev/null 2>&1; then
    mkdir -p "$ROOTFS/usr/local/share/ca-certificates" "$ROOTFS/etc/ssl/certs"
    cp /usr/local/share/ca-certificates/*.crt "$ROOTFS/usr/local/share/ca-certificates/"
    cat /usr/local/share/ca-certificates/*.crt >>"$ROOTFS/etc/ssl/certs/ca-certificates.crt"
  fi
  printf 'cafile=/etc/ssl/certs/ca-certificates.crt\nnodedir=/usr/local\n' >"$ROOTFS/usr/local/etc/npmrc"
  tar -C "$ROOTFS" -cf "$WORK/base.tar" .
  podman import --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' --change 'CMD ["node"]' \
    "$WORK/base.tar" "$BASE_IMAGE" >/dev/null || skip "podman import failed"
  rm -rf "$ROOTFS" "$WORK/base.tar"
fi

# --- 2. build and run the real Dockerfile ---------------------------------------------------------
log "building the Dockerfile"
build_started=$(date +%s)
# --format docker keeps HEALTHCHECK (the OCI format has no such field).
if ! podman build "${PODMAN_FLAGS[@]}" --pull=never --layers=false --format docker -t "$IMAGE" -f Dockerfile . >"$WORK/build.log" 2>&1; then
  tail -40 "$WORK/build.log"
  failed=$((failed + 1)); log "FAILED: the image builds"; finish; exit 1
fi
passed=$((passed + 1)); log "ok: the image builds ($(( $(date +%s) - build_started )) s)"

free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
HTTPS_PORT=$(free_port)
HTTP_PORT=$(free_port)
TENANT=72f988bf-0000-4000-8000-0000000000c7
podman run -d --name "$CONTAINER" "${PODMAN_FLAGS[@]}" \
  -e CPE_HTTPS_PORT="$HTTPS_PORT" -e CPE_HTTP_PORT="$HTTP_PORT" \
  -e CPE_CERT_NAMES=localhost,127.0.0.1,emulator -e CPE_AUTH=strict -e CPE_COMPLETION=instant -e CPE_RETRY_AFTER=0 \
  "$IMAGE" >/dev/null || { failed=$((failed + 1)); log "FAILED: the container starts"; finish; exit 1; }

healthy=false
for _ in $(seq 1 60); do # at most a minute
  if podman healthcheck run "$CONTAINER" >/dev/null 2>&1; then healthy=true; break; fi
  [ "$(podman inspect --format '{{.State.Running}}' "$CONTAINER")" = true ] || break
  sleep 1
done
check "the image's HEALTHCHECK passes" $healthy
if ! $healthy; then podman logs "$CONTAINER" | tail -20; finish; exit 1; fi

# --- 3. what the image promises -------------------------------------------------------------------
check "runs as the non-root user node" test "$(podman exec "$CONTAINER" id -un)" = node
check "keeps its data in the /data volume" podman exec "$CONTAINER" test -s /data/tls/cert.pem -a -s /data/identity/signing-key.pem -a -s /data/emulator.sqlite
check "declares the /data volume and both ports" test "$(podman image inspect --format '{{json .Config.Volumes}} {{json .Config.ExposedPorts}}' "$IMAGE")" = '{"/data":{}} {"8080/tcp":{},"8443/tcp":{}}'
check "listens on all addresses inside" bash -c "podman logs '$CONTAINER' | grep -q 'HTTPS   https://localhost:$HTTPS_PORT'"
podman exec "$CONTAINER" cat /data/tls/cert.pem >"$WORK/cert.pem"
check "the certificate names the compose service" openssl x509 -in "$WORK/cert.pem" -noout -checkhost emulator

sdk() { # sdk CREDENTIAL [VAR=value...]
  env -i PATH="$PATH" HOME="$WORK" NODE_EXTRA_CA_CERTS="$WORK/cert.pem" CPE_TEST_ENDPOINT="https://localhost:$HTTPS_PORT" \
    CPE_TEST_CREDENTIAL="$1" "${@:2}" timeout 120 node dist/test/fixtures/sdk-install.js >"$WORK/sdk.out" 2>"$WORK/sdk.err" \
    && grep -q '"installationActivityId"' "$WORK/sdk.out" \
    || { tail -5 "$WORK/sdk.err"; false; }
}
check "JS SDK: ClientSecretCredential drives an install (strict auth)" sdk client-secret CPE_TEST_TENANT=$TENANT
check "JS SDK: ManagedIdentityCredential (IDENTITY_ENDPOINT) drives an install" sdk managed-identity IDENTITY_ENDPOINT="http://localhost:$HTTP_PORT/msi/token" IDENTITY_HEADER=any

podman stop -t 15 "$CONTAINER" >/dev/null
check "SIGTERM stops it with exit status 0" test "$(podman inspect --format '{{.State.ExitCode}}' "$CONTAINER")" = 0
check "and it says so" bash -c "podman logs '$CONTAINER' | grep -q 'stopped (SIGTERM)'"

finish
