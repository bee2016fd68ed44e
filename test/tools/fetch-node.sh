#!/usr/bin/env bash
# Fetches a Node.js release from the npm registry (package node-linux-<arch>@<version>, which holds
# bin/node and the include/node headers) and prints the folder it is unpacked in, for PATH and for
# npm_config_nodedir. Kept in a cache folder every user can read, so a test may run it as another user.
# Usage: bash test/tools/fetch-node.sh <major or version>   e.g. 24, 22.14.0
# The cache: $CPE_NODE_CACHE, default ${TMPDIR:-/tmp}/compute-patch-emulator-node.
set -euo pipefail

spec=${1:?usage: fetch-node.sh <major or version>}
case "$(uname -m)" in
  x86_64) arch=x64 ;;
  aarch64 | arm64) arch=arm64 ;;
  *) echo "fetch-node: no node-linux package for $(uname -m)" >&2; exit 1 ;;
esac
[ "$(uname -s)" = Linux ] || { echo "fetch-node: Linux only" >&2; exit 1; }
command -v npm >/dev/null || { echo "fetch-node: needs npm (any version) to read the registry" >&2; exit 1; }

cache=${CPE_NODE_CACHE:-${TMPDIR:-/tmp}/compute-patch-emulator-node}
mkdir -p "$cache"
chmod 755 "$cache"
# The newest release matching the spec (npm view lists every match, not in version order).
version=$(npm view "node-linux-$arch@$spec" version --json | node -e '
  const key = (v) => v.split(".").map((n) => n.padStart(6, "0")).join(".");
  const all = [JSON.parse(require("node:fs").readFileSync(0, "utf8"))].flat();
  console.log(all.sort((a, b) => (key(a) < key(b) ? -1 : 1)).at(-1));' 2>/dev/null || true)
[ -n "$version" ] && [ "$version" != undefined ] || { echo "fetch-node: no node-linux-$arch@$spec in the registry" >&2; exit 1; }
folder=$cache/node-v$version-linux-$arch
if [ ! -x "$folder/bin/node" ]; then
  tmp=$(mktemp -d "$cache/.fetch-XXXXXX")
  (cd "$tmp" && npm pack --silent "node-linux-$arch@$version" >/dev/null)
  mkdir -p "$tmp/unpacked"
  tar -xzf "$tmp"/node-linux-*.tgz -C "$tmp/unpacked" --strip-components=1
  [ -x "$tmp/unpacked/bin/node" ] || { echo "fetch-node: node-linux-$arch@$version has no bin/node" >&2; rm -rf "$tmp"; exit 1; }
  [ -f "$tmp/unpacked/include/node/node_api.h" ] || { echo "fetch-node: node-linux-$arch@$version has no include/node headers" >&2; rm -rf "$tmp"; exit 1; }
  chmod -R a+rX "$tmp/unpacked"
  # A whole folder or none: another run may be fetching the same release.
  mv -T "$tmp/unpacked" "$folder" 2>/dev/null || true
  rm -rf "$tmp"
fi
[ "$("$folder/bin/node" --version)" = "v$version" ] || { echo "fetch-node: $folder/bin/node is not v$version" >&2; exit 1; }
echo "$folder"
