#!/usr/bin/env bash
# The package as a user installs it: `npm pack`, then `npm install -g` of that tarball into a
# temporary prefix, then the installed `compute-patch-emulator` command run from a folder that is not
# a project folder, with a temporary HOME:
#   1. the tarball holds what the command needs (compiled server, data catalogues, dashboard,
#      LICENSE, README) and nothing of the tests, the benchmarks or the TypeScript sources;
#   2. --version and --help answer;
#   3. it starts, keeps its data in the per-user folder ($HOME/.local/share/compute-patch-emulator),
#      answers the health check over HTTPS trusting the certificate it prints, serves the dashboard
#      (its page, every module of it, its vocabulary), and stops on SIGTERM
#      with exit status 0.
# Ends with "package: N passed, N failed" (exit status 1 when any failed).
# Usage: bash test/package/run-package-test.sh   (from the repository root, after `npm ci`)

set -uo pipefail
cd "$(dirname "$0")/../.."

WORK=$(mktemp -d)
PREFIX=$WORK/prefix
USER_HOME=$WORK/home
ELSEWHERE=$WORK/elsewhere
mkdir -p "$PREFIX" "$USER_HOME" "$ELSEWHERE"
passed=0
failed=0
started=$(date +%s)
pid=

log() { printf '[package-test] %s\n' "$*"; }
check() { # check NAME COMMAND...
  local name=$1; shift
  if "$@"; then passed=$((passed + 1)); log "ok: $name"; else failed=$((failed + 1)); log "FAILED: $name"; fi
}
finish() {
  [ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null
  rm -rf "$WORK"
  log "took $(( $(date +%s) - started )) s"
  echo "package: $passed passed, $failed failed"
  [ "$failed" -eq 0 ]
}
fail_now() { failed=$((failed + 1)); log "FAILED: $*"; finish; exit 1; }

# --- 1. pack --------------------------------------------------------------------------------------
log "npm pack (node $(node --version))"
# `prepare` compiles dist/ first.
npm pack --pack-destination "$WORK" >"$WORK/pack.log" 2>&1 || { tail -20 "$WORK/pack.log"; fail_now "npm pack"; }
TARBALL=$(ls "$WORK"/compute-patch-emulator-*.tgz)
tar -tzf "$TARBALL" | sed 's|^package/||' | sort >"$WORK/contents"
log "$(basename "$TARBALL"): $(wc -l <"$WORK/contents") files, $(du -k "$TARBALL" | cut -f1) kB"
for needed in package.json LICENSE README.md dist/server/cli.js dist/server/app.js data/seed.json server/dashboard/page/index.html server/dashboard/page/app.js; do
  check "the package holds $needed" grep -qx "$needed" "$WORK/contents"
done
check "the package holds every data catalogue" test "$(grep -c '^data/catalogues/.*\.json$' "$WORK/contents")" = "$(ls data/catalogues/*.json | wc -l)"
check "the package holds no tests, benchmarks, TypeScript sources or source maps" \
  bash -c "! grep -E '^(test/|bench/|dist/test/|dist/bench/)|\.ts$|\.map$' '$WORK/contents'"

# --- 2. install globally into a temporary prefix -------------------------------------------------
log "npm install -g into $PREFIX"
npm install -g --prefix "$PREFIX" --no-audit --no-fund "$TARBALL" >"$WORK/install.log" 2>&1 || { tail -20 "$WORK/install.log"; fail_now "npm install -g"; }
check "the install gives no EBADENGINE warning on node $(node --version)" bash -c "! grep -q EBADENGINE '$WORK/install.log'"
BIN=$PREFIX/bin/compute-patch-emulator
check "npm install -g puts compute-patch-emulator on the prefix's PATH" test -x "$BIN"

# The installed command, as a user runs it: from a folder with no package.json, with their own HOME.
run() { (cd "$ELSEWHERE" && env -u CPE_DATA_DIR -u XDG_DATA_HOME HOME="$USER_HOME" PATH="$PREFIX/bin:$PATH" compute-patch-emulator "$@"); }
check "--version prints the package's version" test "$(run --version)" = "$(node -p 'require("./package.json").version')"
run --help >"$WORK/help.txt" 2>&1
check "--help lists the options" grep -q -- '--data-dir' "$WORK/help.txt"

# --- 3. start, health, stop ----------------------------------------------------------------------
(cd "$ELSEWHERE" && exec env -u CPE_DATA_DIR -u XDG_DATA_HOME HOME="$USER_HOME" PATH="$PREFIX/bin:$PATH" \
  compute-patch-emulator --https-port 0 --http-port 0 --silent) >"$WORK/out.log" 2>"$WORK/err.log" &
pid=$!
for _ in $(seq 1 300); do # at most 30 s
  grep -q '^  trust ' "$WORK/out.log" && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
if ! grep -q '^  trust ' "$WORK/out.log"; then cat "$WORK/out.log" "$WORK/err.log"; fail_now "the installed command starts"; fi
passed=$((passed + 1)); log "ok: the installed command starts"
DATA_DIR=$USER_HOME/.local/share/compute-patch-emulator
HTTPS_URL=$(sed -n 's/^  HTTPS *\(https:[^ ]*\).*/\1/p' "$WORK/out.log")
CERT=$(sed -n 's/^  trust *\([^ ]*\).*/\1/p' "$WORK/out.log")
check "its data is in the per-user folder $DATA_DIR" grep -qx "  data    $DATA_DIR" "$WORK/out.log"
# The token-signing key is made when a token is first issued (--auth any), not at start.
check "the database and certificate are there" test -s "$DATA_DIR/emulator.sqlite" -a -s "$DATA_DIR/tls/cert.pem"
check "nothing is written in the folder it started in" test -z "$(ls -A "$ELSEWHERE")"
check "GET /_emulator/health over HTTPS, trusting the printed certificate, is Healthy" \
  node -e '
    const https = require("node:https");
    const [url, ca] = process.argv.slice(1);
    https.get(`${url.replace("127.0.0.1", "localhost")}/_emulator/health`, { ca: require("node:fs").readFileSync(ca) }, (res) => {
      let body = ""; res.on("data", (c) => (body += c));
      res.on("end", () => process.exit(res.statusCode === 200 && JSON.parse(body).status === "Healthy" ? 0 : 1));
    }).on("error", (e) => { console.error(e.message); process.exit(1); });' "$HTTPS_URL" "$CERT"
# The dashboard from the installed package: the page, each of its modules as JavaScript, its vocabulary.
check "the installed command serves the dashboard: the page, its $(grep -c '^server/dashboard/page/.*\.js$' "$WORK/contents") modules and its vocabulary" \
  node -e '
    const https = require("node:https");
    const [url, ca, ...modules] = process.argv.slice(1);
    const get = (path) => new Promise((resolve, reject) => https.get(`${url.replace("127.0.0.1", "localhost")}${path}`, { ca: require("node:fs").readFileSync(ca) }, (res) => {
      res.resume(); res.on("end", () => resolve([res.statusCode, String(res.headers["content-type"])]));
    }).on("error", reject));
    (async () => {
      const answers = [[await get("/_emulator/ui"), /^text\/html/], [await get("/_emulator/ui/vocabulary"), /^application\/json/]];
      for (const file of modules) answers.push([await get(`/_emulator/ui/${file.split("/").pop()}`), /^text\/javascript/]);
      const wrong = answers.filter(([[status, type], wanted]) => status !== 200 || !wanted.test(type));
      if (wrong.length > 0) console.error(JSON.stringify(wrong.map(([answer]) => answer)));
      process.exit(modules.length > 0 && wrong.length === 0 ? 0 : 1);
    })().catch((e) => { console.error(e.message); process.exit(1); });' "$HTTPS_URL" "$CERT" $(grep '^server/dashboard/page/.*\.js$' "$WORK/contents")
kill -TERM "$pid"
code=0
wait "$pid" || code=$?
pid=
check "SIGTERM stops it with exit status 0" test "$code" = 0
check "and it says so" grep -q 'stopped (SIGTERM)' "$WORK/out.log"

finish
