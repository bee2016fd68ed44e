# compute-patch-emulator: a local Azure Compute guest-patching emulator, as a container.
#   docker build -t compute-patch-emulator .
#   docker run -p 8443:8443 -p 8080:8080 compute-patch-emulator
# Every option is an environment variable (CPE_*, see --help); the data folder (database,
# generated certificate, token-signing key) is the /data volume.

# --- build: compile TypeScript and better-sqlite3 (from source: no prebuilt binary is fetched) ---
FROM node:20-bookworm-slim AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
# Scripts off for the install (the package's own `prepare` needs the sources); then the one native module.
RUN npm ci --ignore-scripts --no-audit --no-fund && npm_config_build_from_source=true npm rebuild better-sqlite3
COPY tsconfig.json ./
COPY schemas schemas
COPY simulator simulator
COPY server server
RUN npx tsc -p tsconfig.json && npm prune --omit=dev --no-audit --no-fund

# --- runtime: the compiled emulator, production modules, data catalogues; runs as `node` ---
FROM node:20-bookworm-slim
# Inside a container the emulator binds every address; the container's own network is the boundary,
# so the admin API is allowed unguarded here (set CPE_ADMIN_KEY to guard it). Other containers reach
# it by its container or compose service name, a name without a dot, which CPE_ALLOWED_HOSTS='*'
# allows (public DNS cannot serve such a name, so no web page can rebind one to the emulator);
# localhost:<port> and addresses always work. Add dotted names the clients use with
# -e CPE_ALLOWED_HOSTS='*,emulator.example.test' (docs/reliability.md).
ENV NODE_ENV=production \
    CPE_HOST=0.0.0.0 \
    CPE_ALLOW_UNGUARDED_ADMIN=true \
    CPE_ALLOWED_HOSTS=* \
    CPE_HTTPS_PORT=8443 \
    CPE_HTTP_PORT=8080 \
    CPE_DATA_DIR=/data
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/dist dist
COPY data data
COPY server/dashboard server/dashboard
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 8443 8080
# The health endpoint on the plain-HTTP port (no certificate to trust); node is the only tool needed.
HEALTHCHECK --interval=5s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.CPE_HTTP_PORT}/_emulator/health`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "dist/server/cli.js"]
