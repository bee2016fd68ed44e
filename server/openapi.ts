// The OpenAPI document of every route (the ARM API, the identity endpoints, the admin API), built
// by @fastify/swagger from the schemas the routes validate with: the ones in schemas/, never copies.
// Served at /_emulator/openapi.json, with a Swagger UI at /_emulator/docs.

import swagger from '@fastify/swagger';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fastifyPlugin from 'fastify-plugin';

export const OPENAPI_PATH = '/_emulator/openapi.json';
export const DOCS_PATH = '/_emulator/docs';

/** The keywords of an OpenAPI 3.0 Schema Object (OpenAPI 3.0.3, "Schema Object"). */
const OPENAPI_30_KEYWORDS = new Set([
  'title', 'multipleOf', 'maximum', 'exclusiveMaximum', 'minimum', 'exclusiveMinimum', 'maxLength', 'minLength', 'pattern',
  'maxItems', 'minItems', 'uniqueItems', 'maxProperties', 'minProperties', 'required', 'enum', 'type', 'allOf', 'oneOf',
  'anyOf', 'not', 'items', 'properties', 'additionalProperties', 'description', 'format', 'default', 'nullable',
  'discriminator', 'readOnly', 'writeOnly', 'xml', 'externalDocs', 'example', 'deprecated', '$ref',
]);

/**
 * The route schemas are JSON Schema draft-07 (ajv's); OpenAPI 3.0 speaks an older dialect. Rewrites a
 * schema in place: numeric `exclusiveMinimum`/`exclusiveMaximum` become a bound plus the boolean flag,
 * `const` a one-value `enum`, and keywords 3.0 lacks (`dependencies`, `if`, `patternProperties`...)
 * are kept as `x-` extensions, so the document stays valid and loses nothing.
 */
export function toOpenApi30Schema(schema: unknown): void {
  if (!schema || typeof schema !== 'object' || Array.isArray(schema)) return;
  const record = schema as Record<string, unknown>;
  for (const [exclusive, bound] of [['exclusiveMinimum', 'minimum'], ['exclusiveMaximum', 'maximum']] as const) {
    if (typeof record[exclusive] === 'number') {
      record[bound] = record[exclusive];
      record[exclusive] = true;
    }
  }
  if ('const' in record && !('enum' in record)) {
    record.enum = [record.const];
    delete record.const;
  }
  for (const key of Object.keys(record)) {
    if (OPENAPI_30_KEYWORDS.has(key) || key.startsWith('x-')) continue;
    record[`x-${key}`] = record[key];
    delete record[key];
  }
  for (const child of Object.values((record.properties as Record<string, unknown> | undefined) ?? {})) toOpenApi30Schema(child);
  for (const list of ['allOf', 'anyOf', 'oneOf'] as const) {
    if (Array.isArray(record[list])) for (const child of record[list] as unknown[]) toOpenApi30Schema(child);
  }
  for (const key of ['items', 'additionalProperties', 'not'] as const) toOpenApi30Schema(record[key]);
}

/** Every schema of a document: under any `schema` key (parameters, bodies, responses, headers), and the components. */
function toOpenApi30Document(node: unknown, key?: string): void {
  if (!node || typeof node !== 'object') return;
  if (key === 'schema') return toOpenApi30Schema(node);
  for (const [childKey, child] of Object.entries(node as Record<string, unknown>)) toOpenApi30Document(child, childKey);
}

async function openApi(app: FastifyInstance, options: { version: string }): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'compute-patch-emulator',
        description:
          'A local emulator of the Azure Compute guest-patching API (installPatches, assessPatches) with ARM long-running-operation polling, ' +
          'the identity endpoints credentials need, and the emulator\'s own API under /_emulator.',
        version: options.version,
      },
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'ARM routes: any bearer token (--auth any) or one the emulator issued (--auth strict)' } },
      },
    },
    // Shared schemas keep their $id as their name under components.schemas.
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
    transformObject: (documentObject) => {
      // A copy: the document may share objects with the schemas the routes validate with.
      const document = structuredClone('openapiObject' in documentObject ? documentObject.openapiObject : documentObject.swaggerObject);
      toOpenApi30Document(document.paths);
      for (const schema of Object.values((document as { components?: { schemas?: Record<string, unknown> } }).components?.schemas ?? {})) {
        toOpenApi30Schema(schema);
      }
      return document;
    },
  });
  app.get(OPENAPI_PATH, { schema: { hide: true } }, async () => app.swagger());

  // The Swagger UI is built on its first request, in a small application of its own that this
  // route answers through: registering @fastify/swagger-ui (its module, its static files) was a
  // tenth of every start, for a page most runs never open (bench/README.md).
  let docs: Promise<FastifyInstance> | undefined;
  const serveDocs = async (request: FastifyRequest, reply: FastifyReply) => {
    docs ??= docsApplication(app).catch((error: Error) => {
      docs = undefined;
      throw error;
    });
    const answer = await (await docs).inject({ method: request.method as 'GET' | 'HEAD', url: request.url, headers: request.headers });
    const headers = Object.fromEntries(Object.entries(answer.headers).filter(([name]) => !HOP_BY_HOP.has(name)));
    reply.code(answer.statusCode).headers(headers);
    return answer.rawPayload.length > 0 ? reply.send(answer.rawPayload) : reply.send();
  };
  for (const url of [DOCS_PATH, `${DOCS_PATH}/*`]) app.route({ method: ['GET', 'HEAD'], url, schema: { hide: true }, handler: serveDocs });
}

/** Headers of the inner answer that belong to its own (injected) connection. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'date']);

async function docsApplication(app: FastifyInstance): Promise<FastifyInstance> {
  const [{ default: Fastify }, { default: swaggerUi }] = await Promise.all([import('fastify'), import('@fastify/swagger-ui')]);
  const docs = Fastify({ logger: false });
  // @fastify/swagger-ui reads the document through `swagger()`, which @fastify/swagger (a plugin it
  // requires by name) adds: here it is the emulator's own document.
  const emulatorDocument = fastifyPlugin(
    async (inner: FastifyInstance) => {
      inner.decorate('swagger', ((options?: { yaml?: boolean }) => app.swagger(options as { yaml: true })) as FastifyInstance['swagger']);
    },
    { name: '@fastify/swagger' },
  );
  await docs.register(emulatorDocument);
  await docs.register(swaggerUi, { routePrefix: DOCS_PATH, uiConfig: { deepLinking: true } });
  await docs.ready();
  return docs;
}

/** Registered before any route, so that every route is seen. */
export const openApiPlugin = fastifyPlugin(openApi, { name: 'compute-patch-emulator-openapi' });
