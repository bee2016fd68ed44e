// The OpenAPI document of every route (the ARM API, the identity endpoints, the admin API), built
// by @fastify/swagger from the schemas the routes validate with: the ones in schemas/, never copies.
// Served at /_emulator/openapi.json, with a Swagger UI at /_emulator/docs.

import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import fastifyPlugin from 'fastify-plugin';

export const OPENAPI_PATH = '/_emulator/openapi.json';
export const DOCS_PATH = '/_emulator/docs';

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
  });
  await app.register(swaggerUi, { routePrefix: DOCS_PATH, uiConfig: { deepLinking: true } });
  app.get(OPENAPI_PATH, { schema: { hide: true } }, async () => app.swagger());
}

/** Registered before any route, so that every route is seen. */
export const openApiPlugin = fastifyPlugin(openApi, { name: 'compute-patch-emulator-openapi' });
