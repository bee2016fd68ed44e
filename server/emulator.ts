// Starting and stopping a whole emulator: data folder, database, certificate, and the HTTPS and
// plain-HTTP listeners, which share one Fastify application.

import { mkdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import { dataDirectory } from './catalogues.js';
import type { EmulatorConfig } from './config.js';
import { openServices, type EmulatorServices } from './services.js';
import { covers, loadOrCreateCertificate } from './tls.js';
import { ENTRA_HOSTS, serveEntraTunnels } from './identity/entra-proxy.js';
import { loadOrCreateSigningKey } from './identity/signing-key.js';
import { logOutput } from './logging.js';
import { isStateDocument, type StateDocument } from './admin/state.js';
import type { SeedDocument } from './seed.js';
import { answerClientError } from './arm/edge.js';

/**
 * Graceful shutdown (README "Reliability"): requests in flight get this long to finish; then the
 * connections still open are cut, so that a client that never finishes its request cannot hold the
 * shutdown, and the database is closed.
 */
const SHUTDOWN_GRACE_MS = 5_000;

export interface RunningEmulator {
  app: FastifyInstance;
  services: EmulatorServices;
  httpsUrl: string;
  httpUrl: string;
  certPath: string;
  dataDir: string;
  close(): Promise<void>;
}

export function emulatorVersion(): string {
  const manifest = JSON.parse(readFileSync(join(dataDirectory(), '..', 'package.json'), 'utf8')) as { version: string };
  return manifest.version;
}

/** A --seed-file: a seed (data/seed.json's shape) or a state document; anything else stops start-up. */
function readSeedFile(file: string): SeedDocument | StateDocument {
  let document: unknown;
  try {
    document = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`--seed-file ${file}: ${(error as Error).message}`);
  }
  if (isStateDocument(document)) return document;
  if (typeof document === 'object' && document !== null && Array.isArray((document as SeedDocument).subscriptions)) return document as SeedDocument;
  throw new Error(`--seed-file ${file}: neither a seed ({"subscriptions": [...]}) nor a state document`);
}

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return 'localhost';
  return host.includes(':') ? `[${host}]` : host;
}

export async function startEmulator(config: EmulatorConfig): Promise<RunningEmulator> {
  const dataDir = resolve(config.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const tls = await loadOrCreateCertificate({ dataDir, cert: config.cert, key: config.key, names: config.certNames });
  const seedDocument = config.seedFile ? readSeedFile(config.seedFile) : undefined;
  const services = openServices({
    databaseFile: config.inMemory ? ':memory:' : join(dataDir, 'emulator.sqlite'),
    seed: config.seed,
    clockSpeed: config.clockSpeed,
    completion: config.completion,
    ...(seedDocument ? { seedDocument } : {}),
    overlappingOperations: config.overlappingOperations,
  });

  let httpServer: http.Server | undefined;
  const log = logOutput({ level: config.logLevel, silent: config.silent });
  // A crash still writes the lines logged before it.
  if (log.options) process.once('exit', log.close);
  const app = buildApp(services, {
    retryAfterSeconds: config.retryAfter,
    version: emulatorVersion(),
    clockSpeed: config.clockSpeed,
    journalSize: config.journalSize,
    ...(seedDocument && !isStateDocument(seedDocument) ? { seedDocument } : {}),
    ...(config.adminKey !== undefined ? { adminKey: config.adminKey } : {}),
    logger: log.options,
    auth: config.auth,
    // With --auth any, read or made when a token is first issued: most such starts never need it.
    signingKey: config.auth === 'strict' ? loadOrCreateSigningKey(dataDir) : () => loadOrCreateSigningKey(dataDir),
    serverFactory: (handler) => {
      httpServer = http.createServer(handler);
      // Fastify installs its client-error handler on the server it is given (HTTPS) only.
      httpServer.on('clientError', answerClientError);
      const httpsServer = https.createServer({ cert: tls.cert, key: tls.key }, handler);
      serveEntraTunnels(httpServer, httpsServer, ENTRA_HOSTS.filter((host) => covers(tls.cert, [host])));
      return httpsServer;
    },
  });
  // Shutdown: both listeners stop accepting at once (before close() returns), requests in flight
  // finish, and only then is the database closed. Fastify's own server.close() then finds the
  // HTTPS listener closed already, which it allows.
  const drained: Array<Promise<void>> = [];
  const stopAccepting = () => {
    for (const server of [app.server, httpServer]) {
      if (!server?.listening) continue;
      drained.push(new Promise<void>((done) => server.close(() => done())));
      server.closeIdleConnections();
    }
  };
  app.addHook('preClose', async () => stopAccepting());
  app.addHook('onClose', async () => {
    await Promise.all(drained);
    services.close();
    // Every request answered is in the log before close() resolves (and the process exits).
    await log.flush();
    log.close();
    process.removeListener('exit', log.close);
  });

  try {
    // The start-up lines (cli.ts) name both listeners; Fastify's own line would call HTTPS 'http'.
    await app.listen({ host: config.host, port: config.httpsPort, listenTextResolver: (address) => `HTTPS listener at ${address.replace(/^http:/, 'https:')}` });
    await new Promise<void>((done, fail) => {
      httpServer!.once('error', fail);
      httpServer!.listen(config.httpPort, config.host, () => done());
    });
  } catch (error) {
    await app.close().catch(() => undefined);
    throw error;
  }
  // The listening lines come before the start-up lines the caller writes next.
  await log.flush();
  const httpsPort = (app.server.address() as AddressInfo).port;
  const httpPort = (httpServer!.address() as AddressInfo).port;
  return {
    app,
    services,
    httpsUrl: `https://${urlHost(config.host)}:${httpsPort}`,
    httpUrl: `http://${urlHost(config.host)}:${httpPort}`,
    certPath: tls.certPath,
    dataDir,
    close: async () => {
      stopAccepting();
      const cut = setTimeout(() => {
        app.server.closeAllConnections();
        httpServer?.closeAllConnections();
      }, SHUTDOWN_GRACE_MS);
      try {
        await app.close();
      } finally {
        clearTimeout(cut);
      }
    },
  };
}
