# Shared by the client tests under test/clients/<language>/run.sh (sourced, not run):
#   - counting: `check NAME COMMAND...`, `count_program_output FILE` and `finish`, which prints the
#     plain closing line "<name>: N passed, N failed" and sets the exit status;
#   - a fresh emulator: `start_emulator FLAGS...` spawns `node dist/server/cli.js` on two free
#     loopback ports with its own temp data folder and waits (bounded) for its ready line;
#   - `toolchain_missing REASON`: a skip with the reason outside CI, a failure under CI=true;
#   - `print_journal`: what the client sent (api-version, User-Agent), read back from the
#     emulator's request journal (GET /_emulator/requests);
#   - `start_outbound_recorder`: a listener to give the client as its HTTP(S) proxy, so a test can
#     assert that the client asked no host but the emulator (`no_outbound_requests`).
# Downloads (pip, Go modules, Maven) are cached outside the repository, in CLIENT_CACHE.

CLIENT_NAME=${CLIENT_NAME:?set CLIENT_NAME before sourcing lib.sh}
REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CLIENT_CACHE=${CPE_CLIENT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/compute-patch-emulator}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/cpe-$CLIENT_NAME-XXXXXX")
passed=0
failed=0
EMULATOR_PID=
RECORDER_PID=
STARTED_AT=$(date +%s)
mkdir -p "$CLIENT_CACHE"

log() { printf '[%s] %s\n' "$CLIENT_NAME" "$*"; }

check() { # check NAME COMMAND...   (stdout/stderr of COMMAND go to $WORK/out, $WORK/err)
  local name=$1; shift
  if "$@" >"$WORK/out" 2>"$WORK/err"; then passed=$((passed + 1)); log "ok: $name"
  else failed=$((failed + 1)); log "FAILED: $name"; tail -n 15 "$WORK/out" "$WORK/err" | sed 's/^/    /'; fi
}

# A client program prints "ok: NAME" or "FAILED: NAME" per check; a program that stops without
# printing its checks (a crash, a missing import) counts as one failure.
count_program_output() { # count_program_output OUTPUT_FILE EXIT_STATUS
  local ok bad
  ok=$(grep -c '^ok: ' "$1" || true)
  bad=$(grep -c '^FAILED: ' "$1" || true)
  passed=$((passed + ok))
  failed=$((failed + bad))
  if [ "$2" -ne 0 ] && [ "$bad" -eq 0 ]; then
    failed=$((failed + 1)); log "FAILED: the program exited with status $2"
  fi
}

stop_emulator() {
  if [ -n "$RECORDER_PID" ]; then kill "$RECORDER_PID" 2>/dev/null && wait "$RECORDER_PID" 2>/dev/null; RECORDER_PID=; fi
  if [ -n "$EMULATOR_PID" ]; then
    kill "$EMULATOR_PID" 2>/dev/null && wait "$EMULATOR_PID" 2>/dev/null
    EMULATOR_PID=
  fi
}

finish() {
  stop_emulator
  rm -rf "$WORK"
  log "took $(( $(date +%s) - STARTED_AT )) s"
  echo "$CLIENT_NAME: $passed passed, $failed failed"
  [ "$failed" -eq 0 ]
  exit
}
# However the script ends, the emulator and the recorder it started stop, and its temp folder goes.
trap 'stop_emulator; rm -rf "$WORK"' EXIT
trap 'exit 130' INT TERM

toolchain_missing() { # toolchain_missing REASON
  if [ "${CI:-}" = true ]; then
    failed=$((failed + 1)); log "FAILED: $* (CI=true: a missing toolchain is a failure)"; finish
  fi
  log "SKIPPED: $*"
  rm -rf "$WORK"
  echo "$CLIENT_NAME: 0 passed, 0 failed, 1 skipped"
  exit 0
}

# Debian packages, installed when missing and this is root (CI is); otherwise the skip says how.
apt_install() { # apt_install PACKAGE...
  [ "$(id -u)" -eq 0 ] || return 1
  log "installing $* with apt-get"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null; }
}

# Ports 0: the emulator picks free ones and prints them in its ready block, read back here, so
# tests running side by side never race for a port.
start_emulator() { # start_emulator FLAGS...   sets EMULATOR_URL (https), EMULATOR_HTTP, EMULATOR_CERT
  if [ ! -f "$REPO_ROOT/dist/server/cli.js" ] || [ ! -f "$REPO_ROOT/dist/test/clients/outbound.js" ]; then
    log "building the project (npm run build)"
    (cd "$REPO_ROOT" && npm run build >/dev/null) || { failed=$((failed + 1)); log "FAILED: npm run build"; finish; }
  fi
  local https_port http_port
  node "$REPO_ROOT/dist/server/cli.js" --https-port 0 --http-port 0 --data-dir "$WORK/data" \
    "$@" >"$WORK/emulator.log" 2>&1 &
  EMULATOR_PID=$!
  for _ in $(seq 1 100); do # the ready line, at most 20 s
    grep -q 'is ready' "$WORK/emulator.log" && break
    kill -0 "$EMULATOR_PID" 2>/dev/null || break
    sleep 0.2
  done
  if ! grep -q 'is ready' "$WORK/emulator.log"; then
    cat "$WORK/emulator.log"; failed=$((failed + 1)); log "FAILED: the emulator starts"; finish
  fi
  https_port=$(sed -n 's|^ *HTTPS *https://[^ ]*:\([0-9][0-9]*\).*|\1|p' "$WORK/emulator.log" | head -1)
  http_port=$(sed -n 's|^ *HTTP *http://[^ ]*:\([0-9][0-9]*\).*|\1|p' "$WORK/emulator.log" | head -1)
  EMULATOR_URL=https://localhost:$https_port
  EMULATOR_HTTP=http://localhost:$http_port
  EMULATOR_CERT=$WORK/data/tls/cert.pem
  log "emulator on $EMULATOR_URL ($*), trusting only $EMULATOR_CERT"
}

print_journal() { # print_journal: what reached the emulator, one line per kind of request
  node "$REPO_ROOT/dist/test/clients/journal.js" "$EMULATOR_HTTP" | sed "s/^/[$CLIENT_NAME] sent: /"
}

start_outbound_recorder() { # sets OUTBOUND_PROXY (http://127.0.0.1:port) and OUTBOUND_LOG
  OUTBOUND_LOG=$WORK/outbound.log
  : >"$OUTBOUND_LOG"
  node "$REPO_ROOT/dist/test/clients/outbound.js" "$OUTBOUND_LOG" >"$WORK/outbound.out" 2>&1 &
  RECORDER_PID=$!
  for _ in $(seq 1 50); do grep -q '^recording on ' "$WORK/outbound.out" && break; sleep 0.1; done # at most 5 s
  grep -q '^recording on ' "$WORK/outbound.out" || { cat "$WORK/outbound.out"; failed=$((failed + 1)); log "FAILED: the outbound recorder starts"; finish; }
  OUTBOUND_PROXY=http://127.0.0.1:$(sed -n 's/^recording on //p' "$WORK/outbound.out")
}

no_outbound_requests() { # fails, listing them, when the client asked any host but the emulator
  [ ! -s "$OUTBOUND_LOG" ] || { sed 's/^/went out: /' "$OUTBOUND_LOG"; false; }
}

python_venv() { # python_venv NAME WHAT: sets VENV, a virtual environment in the download cache with
  # $HERE/requirements.txt installed, made again only when requirements.txt changes
  command -v python3 >/dev/null 2>&1 || apt_install python3 python3-venv \
    || toolchain_missing "python3 is missing (apt-get install python3 python3-venv)"
  python3 -c 'import venv, ensurepip' 2>/dev/null || apt_install python3-venv \
    || toolchain_missing "python3 cannot make a virtual environment (apt-get install python3-venv)"
  VENV=$CLIENT_CACHE/$1
  local stamp
  stamp=$VENV/.requirements-$(sha256sum "$HERE/requirements.txt" | cut -c1-16)
  if [ ! -f "$stamp" ]; then
    log "making the virtual environment $VENV (pip install -r requirements.txt)"
    rm -rf "$VENV"
    { python3 -m venv "$VENV" && "$VENV/bin/pip" install -q --disable-pip-version-check -r "$HERE/requirements.txt"; } >"$WORK/pip.log" 2>&1 \
      || { tail -20 "$WORK/pip.log"; toolchain_missing "pip could not install $2 from PyPI"; }
    touch "$stamp"
  fi
}

report_program() { # report_program EXIT_STATUS: the client program's own checks ($WORK/program.out),
  # what reached the emulator, that nothing went elsewhere; then the closing count
  sed "s/^/[$CLIENT_NAME] /" "$WORK/program.out"
  count_program_output "$WORK/program.out" "$1"
  check "every request answered without a 5xx (the journal below)" print_journal
  cat "$WORK/out"
  check "the client asked no host but the emulator" no_outbound_requests
  finish
}
