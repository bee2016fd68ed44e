// The real @azure/arm-resourcegraph 5.0.0 (api-version 2024-04-01) over HTTPS against a listening
// emulator: a patch run started with @azure/arm-compute, then seen through Update Manager's own
// sample query (docs/update-manager-wire-format.md#update-manager-sample-queries), paged with the
// SDK's top / skipToken, and an invalid query as the SDK's RestError.

import { readFileSync } from 'node:fs';
import t from 'tap';
import type { TokenCredential } from '@azure/core-auth';
import { ComputeManagementClient } from '@azure/arm-compute';
import { ResourceGraphClient } from '@azure/arm-resourcegraph';
import { listeningEmulator, RESOURCE_GROUP, SPEC_EXAMPLE_BODY, SUBSCRIPTION, WINDOWS_VM } from '../helpers.js';

const staticToken: TokenCredential = {
  getToken: async () => ({ token: 'sdk-test-token', expiresOnTimestamp: Date.now() + 3600_000 }),
};

/** Sample 2 of the research page, "Count of update installations", exactly as Learn prints it. */
const COUNT_OF_UPDATE_INSTALLATIONS = `patchinstallationresources
| where type !has "softwarepatches"
| extend machineName = tostring(split(id, "/", 8)), resourceType = tostring(split(type, "/", 0)), tostring(rgName = split(id, "/", 4))
| extend prop = parse_json(properties)
| extend lTime = todatetime(prop.lastModifiedDateTime), OS = tostring(prop.osType), installedPatchCount = tostring(prop.installedPatchCount), failedPatchCount = tostring(prop.failedPatchCount), pendingPatchCount = tostring(prop.pendingPatchCount), excludedPatchCount = tostring(prop.excludedPatchCount), notSelectedPatchCount = tostring(prop.notSelectedPatchCount)
| where lTime > ago(7d)
| project lTime, RunID=name,machineName, rgName, resourceType, OS, installedPatchCount, failedPatchCount, pendingPatchCount, excludedPatchCount, notSelectedPatchCount`;

t.test('@azure/arm-resourcegraph 5.0.0 sees an installation through the Update Manager sample query', async (t) => {
  const emulator = await listeningEmulator(t, ['--completion', 'instant', '--retry-after', '0']);
  const urls: string[] = [];
  emulator.app.server.on('request', (request: { url: string }) => urls.push(request.url));
  const ca = readFileSync(emulator.certPath, 'utf8');
  const endpoint = emulator.httpsUrl.replace('127.0.0.1', 'localhost');
  const compute = new ComputeManagementClient(staticToken, SUBSCRIPTION, { endpoint, tlsOptions: { ca } });
  const graph = new ResourceGraphClient(staticToken, { endpoint, tlsOptions: { ca } });

  const run = await compute.virtualMachines
    .installPatches(RESOURCE_GROUP, WINDOWS_VM, { ...SPEC_EXAMPLE_BODY, rebootSetting: 'IfRequired' }, { updateIntervalInMs: 0 })
    .pollUntilDone();
  t.equal(run.status, 'Succeeded');

  const answer = await graph.resources({ subscriptions: [SUBSCRIPTION], query: COUNT_OF_UPDATE_INSTALLATIONS });
  t.match(urls.at(-1), /^\/providers\/Microsoft\.ResourceGraph\/resources\?api-version=2024-04-01$/);
  t.equal(answer.totalRecords, 1);
  t.equal(answer.count, 1);
  t.equal(answer.resultTruncated, 'false');
  const row = (answer.data as Array<Record<string, string>>)[0]!;
  t.equal(row.RunID, run.installationActivityId);
  t.equal(row.machineName, `["${WINDOWS_VM}"]`);
  t.equal(row.OS, 'Windows');
  t.equal(row.installedPatchCount, String(run.installedPatchCount));
  t.equal(row.notSelectedPatchCount, String(run.notSelectedPatchCount));

  // Paging through the SDK's own options: top, then the skipToken it read from the response.
  const query = 'patchinstallationresources | project id, name, state = tostring(properties.installationState)';
  const ids: string[] = [];
  let skipToken: string | undefined;
  let pages = 0;
  do {
    const page = await graph.resources({ subscriptions: [SUBSCRIPTION], query, options: skipToken ? { skipToken } : { top: 3 } });
    ids.push(...(page.data as Array<{ id: string }>).map((r) => r.id));
    skipToken = page.skipToken;
    pages++;
    t.equal(page.totalRecords, (run.patches?.length ?? 0) + 1, 'the summary and one record per patch');
  } while (skipToken && pages < 50);
  t.equal(ids.length, (run.patches?.length ?? 0) + 1);
  t.equal(new Set(ids).size, ids.length, 'no row twice');
  t.equal(pages, Math.ceil(ids.length / 3));

  // Facets and the table format come back as the SDK's models.
  const faceted = await graph.resources({ query, options: { resultFormat: 'table' }, facets: [{ expression: 'state', options: { sortOrder: 'desc' } }] });
  t.match(faceted.data, { columns: [{ name: 'id', type: 'string' }, { name: 'name', type: 'string' }, { name: 'state', type: 'string' }] });
  t.match(faceted.facets?.[0], { expression: 'state', resultType: 'FacetResult' });

  // An invalid query: the SDK throws a RestError carrying ARG's BadRequest.
  try {
    await graph.resources({ query: 'patchinstallationresources | where where' });
    t.fail('the query should be refused');
  } catch (error) {
    const e = error as { statusCode?: number; code?: string; details?: { error?: { details?: Array<{ code: string }> } } };
    t.equal(e.statusCode, 400);
    t.equal(e.code, 'BadRequest');
    t.same(e.details?.error?.details?.map((d) => d.code), ['InvalidQuery', 'ParserFailure']);
  }
});
