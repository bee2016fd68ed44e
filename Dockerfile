# compute-patch-emulator: a local Azure Compute guest-patching emulator, as a container.
#   docker build -t compute-patch-emulator .
#   podman build --format docker -t compute-patch-emulator .   (the OCI format has no HEALTHCHECK)
#   docker run -p 8443:8443 -p 8080:8080 compute-patch-emulator
# Every option is an environment variable (CPE_*, see --help); the data folder (database,
# generated certificate, token-signing key) is the /data volume.
# The Node line is the one .nvmrc names (test/container/run-container-test.sh checks they agree).

# --- build: compile TypeScript; keep production modules only ---
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# No install scripts: the package's own `prepare` needs the sources, and better-sqlite3 13 ships
# its compiled binaries in its npm package, so nothing is compiled and no build tools are needed.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json ./
COPY schemas schemas
COPY simulator simulator
COPY server server
# Then only what runs: production modules, no source maps, and of better-sqlite3 neither its SQLite
# sources nor the binaries of other platforms; the last line proves the binary loads.
RUN npx tsc -p tsconfig.json \
 && npm prune --omit=dev --no-audit --no-fund \
 && find dist -name '*.map' -delete \
 && arch=$(node -p process.arch) \
 && rm -rf node_modules/better-sqlite3/deps node_modules/better-sqlite3/src \
 && find node_modules/better-sqlite3/prebuilds -type f ! -name "linux-$arch.node" -delete \
 && node -e "new (require('better-sqlite3'))(':memory:').close()"

# --- runtime: the compiled emulator, production modules, data catalogues; runs as `node` ---
FROM node:24-bookworm-slim
# The version label: test/container/run-container-test.sh checks it against package.json.
ARG VERSION=0.1.0
# The repository the image is built from: give it with --build-arg SOURCE_URL=<repository URL>.
ARG SOURCE_URL=
LABEL org.opencontainers.image.title="compute-patch-emulator" \
      org.opencontainers.image.description="Local emulator of the Azure Compute guest-patching API (installPatches, assessPatches) with ARM long-running-operation polling" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.licenses="MIT" \
      org.opencontainers.image.source="${SOURCE_URL}"
# Inside a container the emulator binds every address; the container's own network is the boundary,
# so the admin API is allowed unguarded here (set CPE_ADMIN_KEY to guard it). CPE_IN_CONTAINER makes
# the start-up lines say how to copy the certificate out. Other containers reach it by its container
# or compose service name, a name without a dot, which CPE_ALLOWED_HOSTS='*' allows (public DNS cannot
# serve such a name, so no web page can rebind one to the emulator); localhost:<port> and addresses
# always work. Add dotted names the clients use with -e CPE_ALLOWED_HOSTS='*,emulator.example.test'
# (docs/reliability.md).
ENV NODE_ENV=production \
    CPE_HOST=0.0.0.0 \
    CPE_ALLOW_UNGUARDED_ADMIN=true \
    CPE_ALLOWED_HOSTS=* \
    CPE_HTTPS_PORT=8443 \
    CPE_HTTP_PORT=8080 \
    CPE_DATA_DIR=/data \
    CPE_IN_CONTAINER=true
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/dist dist
COPY data data
COPY server/dashboard/page server/dashboard/page
COPY LICENSE ./
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 8443 8080
# The health endpoint on the plain-HTTP port (no certificate to trust); node is the only tool needed.
HEALTHCHECK --interval=5s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.CPE_HTTP_PORT}/_emulator/health`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "dist/server/cli.js"]
