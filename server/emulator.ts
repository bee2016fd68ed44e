// Starting and stopping a whole emulator: data folder, database, certificate, and the HTTPS and
// plain-HTTP listeners, which share one Fastify application.

import { mkdirSync, readFileSync } from 'node:fs';
import type { Server as HttpServer, ServerOptions } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import { dataDirectory, loadCatalogues } from './catalogues.js';
import type { EmulatorConfig } from './config.js';
import { openServices, type EmulatorServices } from './services.js';
import { covers, loadOrCreateCertificate, readGivenCertificate, type TlsMaterial } from './tls.js';
import { checkDataDir, noteDataDir } from './data-folder.js';
import { ENTRA_HOSTS, serveEntraTunnels } from './identity/entra-proxy.js';
import { loadOrCreateSigningKey } from './identity/signing-key.js';
import { logOutput } from './logging.js';
import { isStateDocument, type StateDocument } from './state/state.js';
import { checkSeedDocument, checkStateDocument } from './state/state-validation.js';
import type { SeedDocument } from './seed.js';
import { answerClientError, answerConnect } from './arm/edge.js';
import { http } from './node-http.js';

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

/** A --seed-file that cannot be used: the CLI exits 2, as for a bad option. */
export class SeedFileError extends Error {}

/**
 * A --seed-file: a seed (data/seed.json's shape) or a state document, checked whole (as PUT
 * /_emulator/state is) before anything is created; anything else stops start-up naming the file,
 * the path of the first bad value and the reason.
 */
function readSeedFile(file: string): SeedDocument | StateDocument {
  let document: unknown;
  try {
    document = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new SeedFileError(`--seed-file ${file}: ${(error as Error).message}`);
  }
  const isSeed = typeof document === 'object' && document !== null && Array.isArray((document as SeedDocument).subscriptions);
  if (!isStateDocument(document) && !isSeed) throw new SeedFileError(`--seed-file ${file}: neither a seed ({"subscriptions": [...]}) nor a state document`);
  const problem = isStateDocument(document) ? checkStateDocument(document, loadCatalogues()) : checkSeedDocument(document);
  if (problem) throw new SeedFileError(`--seed-file ${file}: '${problem.path}' ${problem.reason}`);
  return document as SeedDocument | StateDocument;
}

/**
 * Both listeners' limits on slow clients (docs/reliability.md): a request must arrive whole within
 * --request-timeout, its headers within --headers-timeout (checked every second, not Node's default
 * 30), and an HTTP/1.1 request without a Host reaches the application, which answers it with a
 * CloudError (server/hosts.ts) rather than Node's bare 400.
 */
function listenerOptions(config: EmulatorConfig): ServerOptions {
  return {
    requestTimeout: config.requestTimeout * 1000,
    headersTimeout: config.headersTimeout * 1000,
    keepAliveTimeout: config.keepAliveTimeout * 1000,
    connectionsCheckingInterval: 1000,
    requireHostHeader: false,
  };
}

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return 'localhost';
  return host.includes(':') ? `[${host}]` : host;
}

export async function startEmulator(config: EmulatorConfig): Promise<RunningEmulator> {
  const seedDocument = config.seedFile ? readSeedFile(config.seedFile) : undefined;
  const dataDir = resolve(config.dataDir);
  // Everything that can be refused is checked before the data folder is touched.
  const given = config.cert && config.key ? readGivenCertificate(config.cert, config.key) : undefined;
  checkDataDir(dataDir);
  // A start that fails after this point takes back what it made: no half-made folder, no new
  // database seeded for nothing.
  const made = noteDataDir(dataDir);
  try {
    return await startIn(dataDir, config, given, seedDocument);
  } catch (error) {
    made.undo();
    throw error;
  }
}

async function startIn(dataDir: string, config: EmulatorConfig, given: TlsMaterial | undefined, seedDocument: SeedDocument | StateDocument | undefined): Promise<RunningEmulator> {
  mkdirSync(dataDir, { recursive: true });
  const tls = given ?? (await loadOrCreateCertificate({ dataDir, names: config.certNames }));
  const services = openServices({
    databaseFile: config.inMemory ? ':memory:' : join(dataDir, 'emulator.sqlite'),
    seed: config.seed,
    saltIds: !config.seedExplicit,
    clockSpeed: config.clockSpeed,
    completion: config.completion,
    ...(seedDocument ? { seedDocument } : {}),
    overlappingOperations: config.overlappingOperations,
    subscriptions: config.subscriptions,
    operationRetention: config.operationRetention,
    allowDamagedDatabase: config.allowDamagedDatabase,
  });

  let httpServer: HttpServer | undefined;
  const entraHosts = ENTRA_HOSTS.filter((host) => covers(tls.cert, [host]));
  const log = logOutput({ level: config.logLevel, silent: config.silent });
  // A crash still writes the lines logged before it.
  if (log.options) process.once('exit', log.close);
  let app: FastifyInstance;
  try {
    app = buildApp(services, {
      retryAfterSeconds: config.retryAfter,
      version: emulatorVersion(),
      clockSpeed: config.clockSpeed,
      journalSize: config.journalSize,
      ...(seedDocument && !isStateDocument(seedDocument) ? { seedDocument } : {}),
      ...(config.adminKey !== undefined ? { adminKey: config.adminKey } : {}),
      logger: log.options,
      auth: config.auth,
      rateLimits: config.rateLimits,
      apiVersions: config.apiVersions,
      // With --auth any, read or made when a token is first issued: most such starts never need it.
      signingKey: config.auth === 'strict' ? loadOrCreateSigningKey(dataDir) : () => loadOrCreateSigningKey(dataDir),
      allowedHosts: [...config.certNames, config.host, ...config.allowedHosts, ...entraHosts],
      serverFactory: (handler) => {
        httpServer = http.createServer(listenerOptions(config), handler);
        // Fastify installs its client-error handler on the server it is given (HTTPS) only.
        httpServer.on('clientError', answerClientError);
        const httpsServer = https.createServer({ ...listenerOptions(config), cert: tls.cert, key: tls.key }, handler);
        // CONNECT never reaches a route: the HTTPS listener answers it here (the HTTP one tunnels to Entra hosts).
        httpsServer.on('connect', answerConnect);
        for (const server of [httpServer, httpsServer]) {
          server.keepAliveTimeout = config.keepAliveTimeout * 1000;
          if (config.maxConnections > 0) server.maxConnections = config.maxConnections;
        }
        serveEntraTunnels(httpServer, httpsServer, entraHosts);
        return httpsServer;
      },
    });
  } catch (error) {
    services.close();
    throw error;
  }
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
    // Graceful shutdown (docs/reliability.md): requests in flight get --shutdown-grace to finish;
    // then the connections still open are cut, so that a client that never finishes its request
    // cannot hold the shutdown, and the database is closed.
    close: async () => {
      stopAccepting();
      const cut = setTimeout(() => {
        app.server.closeAllConnections();
        httpServer?.closeAllConnections();
      }, config.shutdownGrace * 1000);
      try {
        await app.close();
      } finally {
        clearTimeout(cut);
      }
    },
  };
}
