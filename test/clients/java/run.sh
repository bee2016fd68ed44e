#!/usr/bin/env bash
# azure-resourcemanager-compute and azure-identity from Maven Central (pom.xml), unmodified, over
# HTTPS against a freshly started emulator (strict tokens, --completion polls:2, --retry-after 0).
# Maven keeps its downloads in ~/.m2, outside the repository, and builds into the test's temp
# folder. The JVM's only trust is a PKCS12 trust store made with keytool from the emulator's
# certificate (javax.net.ssl.trustStore), and it runs with a cleared environment.
# Ends with "java: N passed, N failed".
# Usage: bash test/clients/java/run.sh   (from anywhere; builds the project when needed)

set -uo pipefail
CLIENT_NAME=java
source "$(dirname "$0")/../lib.sh"
HERE=$REPO_ROOT/test/clients/java

if ! command -v java >/dev/null 2>&1 || ! command -v javac >/dev/null 2>&1 || ! command -v mvn >/dev/null 2>&1; then
  apt_install openjdk-17-jdk-headless maven \
    || toolchain_missing "a JDK (17 or later) and Maven are missing (apt-get install openjdk-17-jdk-headless maven)"
fi
JAVA=$(command -v java)
log "$("$JAVA" -version 2>&1 | head -1), $(mvn -v 2>/dev/null | head -1 | sed 's/\x1b\[[0-9;]*m//g')"

# Offline first (everything in ~/.m2 already: no remote metadata checks), then online.
maven() { (cd "$HERE" && mvn -B -q "$@" compile dependency:build-classpath -Dcpe.build.dir="$WORK/build" -Dmdep.outputFile="$WORK/classpath.txt"); }
if ! maven -o >"$WORK/build.log" 2>&1 && ! maven >"$WORK/build.log" 2>&1; then
  tail -30 "$WORK/build.log"
  if grep -q 'Could not resolve dependencies\|Could not transfer\|Unknown host' "$WORK/build.log"; then toolchain_missing "Maven could not download the dependencies"; fi
  failed=$((failed + 1)); log "FAILED: mvn compile"; finish
fi
log "$(tr ':' '\n' <"$WORK/classpath.txt" | grep -o 'azure-resourcemanager-compute-[0-9.]*\.jar\|azure-identity-[0-9.]*\.jar\|azure-core-[0-9.]*\.jar\|azure-core-management-[0-9.]*\.jar' | sed 's/\.jar$//' | tr '\n' ' ')"

start_emulator --auth strict --completion polls:2 --retry-after 0
start_outbound_recorder

# The emulator's certificate as the JVM's whole trust store.
keytool -importcert -noprompt -alias compute-patch-emulator -file "$EMULATOR_CERT" \
  -keystore "$WORK/truststore.p12" -storetype PKCS12 -storepass changeit >/dev/null 2>&1 \
  || { failed=$((failed + 1)); log "FAILED: keytool -importcert"; finish; }

env -i PATH=/usr/bin:/bin HOME="$WORK" \
  CPE_ENDPOINT="$EMULATOR_URL" \
  IDENTITY_ENDPOINT="$EMULATOR_HTTP/msi/token" IDENTITY_HEADER=any-header \
  HTTP_PROXY="$OUTBOUND_PROXY" HTTPS_PROXY="$OUTBOUND_PROXY" NO_PROXY=localhost,127.0.0.1 \
  timeout 300 "$JAVA" \
  -Djavax.net.ssl.trustStore="$WORK/truststore.p12" -Djavax.net.ssl.trustStoreType=PKCS12 -Djavax.net.ssl.trustStorePassword=changeit \
  -cp "$WORK/build/classes:$(cat "$WORK/classpath.txt")" emulator.PatchClientTest >"$WORK/program.out" 2>&1
status=$?
# SLF4J's start-up notice is not the program's output.
sed -i '/^SLF4J/d' "$WORK/program.out"
report_program "$status"
