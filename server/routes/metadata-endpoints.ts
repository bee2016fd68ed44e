// GET /metadata/endpoints: ARM's description of its cloud, read by `az cloud register
// --endpoint-resource-manager` and other tools to find the login endpoint and token audience.
// Answered without a token, as ARM does.
//
// The login endpoint is given in the ADFS form (`{origin}/adfs`), as Azure Stack Hub publishes it:
// MSAL then trusts the emulator's own OpenID document instead of asking Microsoft's instance
// discovery (a public host) about it, so `az login` works with no network beyond the emulator.

import type { FastifyInstance } from 'fastify';
import { METADATA_ENDPOINTS_API_VERSIONS, metadataEndpointsQuerySchema, metadataEndpointsResponseSchema } from '../../schemas/subscriptions.js';
import { invalidApiVersion, missingApiVersion } from '../arm/errors.js';
import { setStandardHeaders } from '../arm/pipeline.js';
import { ARM_AUDIENCES } from '../identity/auth.js';
import { originOf } from '../identity/routes.js';

/** The cloud name tools register the emulator under. */
export const CLOUD_NAME = 'ComputePatchEmulator';

export async function metadataEndpointRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Querystring: { 'api-version'?: string } }>(
    '/metadata/endpoints',
    {
      // Validation is done by hand below, so that a bad api-version gets ARM's error and not ajv's.
      schema: { summary: "ARM's cloud metadata (login endpoint, audiences)", tags: ['cloud metadata'], querystring: metadataEndpointsQuerySchema, response: { 200: metadataEndpointsResponseSchema } },
      attachValidation: true,
    },
    async (request, reply) => {
      setStandardHeaders(request, reply);
      const apiVersion = request.query['api-version'];
      if (apiVersion === undefined || apiVersion === '') throw missingApiVersion();
      if (!METADATA_ENDPOINTS_API_VERSIONS.includes(apiVersion)) throw invalidApiVersion(apiVersion, METADATA_ENDPOINTS_API_VERSIONS);
      const origin = originOf(request);
      const authentication = { loginEndpoint: `${origin}/adfs`, audiences: [ARM_AUDIENCES[0]!, ARM_AUDIENCES[2]!], tenant: 'adfs', identityProvider: 'ADFS' };
      if (apiVersion === '2015-01-01') {
        return { galleryEndpoint: `${origin}/`, graphEndpoint: 'https://graph.windows.net/', portalEndpoint: `${origin}/`, authentication };
      }
      const cloud = {
        name: CLOUD_NAME,
        resourceManager: `${origin}/`,
        portal: `${origin}/`,
        gallery: `${origin}/`,
        graph: 'https://graph.windows.net/',
        graphAudience: 'https://graph.windows.net/',
        microsoftGraphResourceId: 'https://graph.microsoft.com/',
        authentication,
        suffixes: {},
      };
      // 2022-09-01 describes the cloud that answers, as one object (what `az cloud register` reads
      // in current azure-cli, https://github.com/Azure/azure-cli/pull/30682); the earlier versions list
      // clouds in an array. Public ARM's answers:
      // https://github.com/Azure/azure-cli/issues/29283 (2022-09-01) and
      // https://github.com/Azure/azure-cli/pull/31566 (2015-01-01, 2019-10-01).
      return apiVersion === '2022-09-01' ? cloud : [cloud];
    },
  );
}
