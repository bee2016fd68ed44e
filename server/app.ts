// The Fastify application: the ARM API behind its pipeline, plus the emulator's own endpoints.
// Built from services so that tests can drive it with app.inject and a real SQLite database.

import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyServerFactory, type onResponseAsyncHookHandler } from 'fastify';
import { cloudErrorSchema } from '../schemas/cloud-error.js';
import { installPatchesBodySchema, linuxParametersSchema, windowsParametersSchema } from '../schemas/install-patches.js';
import { imageReferenceSchema } from '../schemas/resources.js';
import { adminRoutes } from './admin/routes.js';
import { adminSubscriptionRoutes } from './admin/subscriptions.js';
import { platformRunRoutes } from './patch-settings/admin-routes.js';
import { RequestJournal } from './admin/journal.js';
import { applyFaultRules } from './arm/faults.js';
import { registerErrorHandler, sendCloudError } from './arm/error-handler.js';
import type { JsonSchema } from './arm/enums.js';
import { registerArmPipeline, type ApiVersionPolicy } from './arm/pipeline.js';
import { RateLimits, type RateLimitMode } from './arm/rate-limits.js';
import { dashboardApiRoutes, dashboardPageRoutes } from './dashboard/routes.js';
import { healthRoutes } from './routes/health.js';
import { patchOperationRoutes } from './operations/routes.js';
import { resourceGroupRoutes } from './routes/resource-groups.js';
import { virtualMachineRoutes } from './virtual-machines/routes.js';
import { arcMachineRoutes } from './hybrid-compute/routes.js';
import { arcAdminRoutes } from './hybrid-compute/admin.js';
import { arcInstallPatchesBodySchema } from '../schemas/hybrid-compute.js';
import { vmActionRoutes } from './virtual-machines/actions.js';
import { maintenanceRoutes } from './maintenance/routes.js';
import { maintenanceAdminRoutes } from './maintenance/admin-routes.js';
import type { RouteContext } from './routes/context.js';
import type { EmulatorServices } from './services.js';
import { loadDefaultSeed, type SeedDocument } from './seed.js';
// Identity, subscriptions, the OpenAPI document, the request log.
import { strictTokenVerifier, type AuthMode } from './identity/auth.js';
import { identityRoutes } from './identity/routes.js';
import { ephemeralSigningKey, type SigningKey } from './identity/signing-key.js';
import { TokenIssuer } from './identity/tokens.js';
import { operationIdOf, RequestLog } from './logging.js';
import { openApiPlugin } from './openapi.js';
import { metadataEndpointRoutes } from './routes/metadata-endpoints.js';
import { subscriptionRoutes } from './routes/subscriptions.js';
import { resourceGraphRoutes } from './resource-graph/routes.js';
import { complianceRoutes } from './resource-graph/compliance.js';
// Hostile input, the admin key, graceful shutdown (docs/reliability.md).
import { adminGuard } from './admin/guard.js';
import { answerClientError, registerNotFoundHandler } from './arm/edge.js';
import { registerJsonBodyParser } from './arm/json-body.js';
import { registerGracefulClose } from './shutdown.js';
import { HostAllowlist, registerHostCheck } from './hosts.js';
import { lazySchemaController } from './lazy-schemas.js';

export interface AppOptions {
  retryAfterSeconds: number | null;
  logger?: boolean | Record<string, unknown>;
  serverFactory?: FastifyServerFactory;
  version?: string;
  /** What a reset goes back to; the default seed when absent. */
  seedDocument?: SeedDocument;
  /** The configured clock speed, which a reset restores. */
  clockSpeed?: number;
  /** How many requests the journal keeps. */
  journalSize?: number;
  /** 'any' (default): any bearer token; 'strict': only unexpired tokens this emulator signed. */
  auth?: AuthMode;
  /** The token-signing key (from the data folder), or how to get it when first needed; an in-memory one when absent. */
  signingKey?: SigningKey | (() => SigningKey);
  /** When set, the guarded admin routes (server/admin/guard.ts) want `x-admin-key: <key>`. */
  adminKey?: string;
  /** `report` (default): budgets in headers only; `enforce`: a spent budget answers 429. Or the limiter itself (tests). */
  rateLimits?: RateLimitMode | RateLimits;
  /** `lenient` (default): newer api-versions are served as the newest known; `strict`: refused as ARM does. */
  apiVersions?: ApiVersionPolicy;
  /** Host names served besides loopback names and addresses (server/hosts.ts): --cert-names, --allowed-host. */
  allowedHosts?: readonly string[];
}

/** ARM refuses request bodies over 4 MiB. */
const BODY_LIMIT = 4 * 1024 * 1024;

const SHARED_SCHEMAS = [windowsParametersSchema, linuxParametersSchema, imageReferenceSchema, cloudErrorSchema] as const;

export function buildApp(services: EmulatorServices, options: AppOptions): FastifyInstance {
  const app = Fastify({
    logger: options.logger ?? false,
    logController: new RequestLog(),
    genReqId: () => randomUUID(),
    bodyLimit: BODY_LIMIT,
    routerOptions: { caseSensitive: false, ignoreTrailingSlash: true, maxParamLength: 1024 },
    // ARM does not coerce types, and keeps what it does not know: ajv is told the same.
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, allErrors: false } },
    // Reliability: refused paths and unparseable requests answer CloudErrors; a request reaching a
    // route during shutdown is served (server/shutdown.ts) rather than given Fastify's own 503.
    frameworkErrors: sendCloudError,
    clientErrorHandler: answerClientError,
    return503OnClosing: false,
    schemaController: lazySchemaController,
    ...(options.serverFactory ? { serverFactory: options.serverFactory } : {}),
  });
  // ARM takes JSON only; anything else is a 415, not a string for the validator to refuse.
  app.removeContentTypeParser('text/plain');
  registerJsonBodyParser(app);
  app.decorateRequest('startedOperationId', '');
  app.decorateRequest('vm', null);
  for (const schema of SHARED_SCHEMAS) app.addSchema(schema);
  const schemasById = new Map<string, JsonSchema>([...SHARED_SCHEMAS, installPatchesBodySchema, arcInstallPatchesBodySchema].map((s) => [s.$id, s as unknown as JsonSchema]));

  const rateLimits = options.rateLimits instanceof RateLimits ? options.rateLimits : new RateLimits(options.rateLimits ?? 'report');
  app.decorate('rateLimits', rateLimits);
  const subscriptionExists = (subscriptionId: string) => services.subscriptions.has(subscriptionId);
  const context: RouteContext = {
    resources: services.resources,
    operations: services.operations,
    patchOperations: services.patchOperations,
    clock: services.clock,
    catalogues: services.catalogues,
    seed: services.seed,
    retryAfterSeconds: options.retryAfterSeconds,
    rateLimits,
  };

  const seedDocument = options.seedDocument ?? loadDefaultSeed();
  const journal = new RequestJournal(options.journalSize ?? 1000);

  // The store's health (server/store/store-health.ts): failures seen by requests, and after a failed
  // write, the first request that writes and succeeds clears it (total_changes() moved, no 5xx).
  const totalChanges = services.db.prepare('SELECT total_changes() AS n');
  const changesBefore = new WeakMap<object, number>();
  app.addHook('onError', async (_request, _reply, error) => services.storeHealth.observe(error));
  // Callback hooks: on every request, and almost always with nothing to do, so without a promise.
  app.addHook('onRequest', (request, _reply, done) => {
    if (services.storeHealth.awaitingWrite) changesBefore.set(request, (totalChanges.get() as { n: number }).n);
    done();
  });
  app.addHook('onResponse', (request, reply, done) => {
    const before = changesBefore.get(request);
    if (before !== undefined && reply.statusCode < 500 && services.db.open && (totalChanges.get() as { n: number }).n > before) {
      services.storeHealth.writeSucceeded();
    }
    done();
  });

  // Group commit (server/store/write-batch.ts): no answer leaves before the writes of its turn are
  // committed, whoever made them, so nothing a client saw can be lost. A success whose commit failed
  // is answered by the error handler instead; an error stays the error it is. A callback hook: the
  // common case costs no promise.
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (!services.batch.open) return done(null, payload);
    services.batch.committed().then(
      () => done(null, payload),
      (error: Error) => (reply.statusCode < 400 ? done(error) : done(null, payload)),
    );
  });

  const issuer = new TokenIssuer(options.signingKey ?? ephemeralSigningKey, services.seed);
  app.register(openApiPlugin, { version: options.version ?? 'dev' });
  registerErrorHandler(app);
  registerGracefulClose(app);
  const hosts = new HostAllowlist(options.allowedHosts ?? []);
  registerHostCheck(app, hosts);

  // Three sibling contexts (https://fastify.dev/docs/latest/Reference/Encapsulation/): what a hook
  // applies to follows from where a route is registered, not from its URL.
  // 1. What clients of Azure call (ARM, identity, metadata, and any path no route serves): journaled.
  app.register(async (served) => {
    served.addHook('onResponse', journalHook(journal));
    registerNotFoundHandler(served, { rateLimits, subscriptionExists });
    await served.register(armRoutes);
    await served.register(identityRoutes, { issuer, seed: services.seed });
    await served.register(metadataEndpointRoutes);
  });
  // 2. The emulator's open endpoints: the health check, and the dashboard's page, files and
  // vocabulary, which a browser loads before it can send a header (the API documentation is served
  // by openApiPlugin above); a path under /_emulator/ that no route serves is answered here, unjournaled.
  app.register(async (open) => {
    await open.register(healthRoutes, { services, version: options.version ?? 'dev' });
    await open.register(dashboardPageRoutes);
  });
  app.register(async (open) => registerNotFoundHandler(open, { rateLimits, subscriptionExists }), { prefix: '/_emulator' });
  // 3. The admin API, behind its guard (server/admin/guard.ts).
  app.register(async (guarded) => {
    guarded.addHook('onRequest', adminGuard(options.adminKey));
    await guarded.register(adminRoutes, {
      services,
      journal,
      seedDocument,
      clockSpeed: options.clockSpeed ?? services.clock.snapshot().speed,
    });
    await guarded.register(arcAdminRoutes, { services });
    await guarded.register(maintenanceAdminRoutes, { services });
    await guarded.register(complianceRoutes, { services });
    await guarded.register(adminSubscriptionRoutes, { services });
    await guarded.register(platformRunRoutes, { services });
    await guarded.register(dashboardApiRoutes, { services });
  });
  return app;

  async function armRoutes(arm: FastifyInstance): Promise<void> {
    registerArmPipeline(arm, {
      locationOf: (params) => {
        if (!params.subscriptionId || !params.resourceGroupName) return undefined;
        if (params.vmName) {
          const vm = services.resources.getVirtualMachine(params.subscriptionId, params.resourceGroupName, params.vmName);
          if (vm) return vm.location;
        }
        return services.resources.getResourceGroup(params.subscriptionId, params.resourceGroupName)?.location;
      },
      resolveSchema: (ref) => schemasById.get(ref.replace(/#.*$/, '')),
      applyFaults: (request, reply) => applyFaultRules(services.control, services.seed, request, reply),
      ...(options.auth === 'strict' ? { verifyToken: strictTokenVerifier(issuer, hosts) } : {}),
      subscriptionExists,
      rateLimits,
      apiVersions: options.apiVersions ?? 'lenient',
    });
    await arm.register(resourceGroupRoutes, context);
    await arm.register(virtualMachineRoutes, context);
    await arm.register(patchOperationRoutes, context);
    await arm.register(vmActionRoutes, context);
    await arm.register(arcMachineRoutes, { ...context, arcMachines: services.arcMachines });
    await arm.register(maintenanceRoutes, { context, maintenance: services.maintenance });
    await arm.register(subscriptionRoutes, { subscriptions: services.subscriptions, issuer });
    await arm.register(resourceGraphRoutes, { resourceGraph: services.resourceGraph });
  }
}

/** Every request of the context it is added to, as answered, for GET /_emulator/requests. */
function journalHook(journal: RequestJournal): onResponseAsyncHookHandler {
  return async (request, reply) => {
    const operationId = operationIdOf(request);
    const sentBytes = Number(request.headers['content-length']);
    journal.record({
      timeMs: Date.now(),
      requestId: request.id,
      method: request.method,
      url: request.url,
      headers: request.headers,
      body: request.body ?? null,
      ...(Number.isFinite(sentBytes) ? { bodyBytes: sentBytes } : {}),
      status: reply.statusCode,
      ...(operationId ? { operationId: operationId.toLowerCase() } : {}),
    });
  };
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The ARM and CRP budgets (server/arm/rate-limits.ts), for tests to look into. */
    rateLimits: RateLimits;
  }
}
