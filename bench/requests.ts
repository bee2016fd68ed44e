// The requests the bench sends: the installPatches body against the seeded Windows VM, and
// the operation URLs the 202 hands back.

import http from 'node:http';
import type { RequestSpec } from './load.js';

export const SUBSCRIPTION = '00000000-0000-0000-0000-000000000000';
export const RESOURCE_GROUP = 'myResourceGroupName';
export const WINDOWS_VM = 'myVMName';
export const API_VERSION = '2024-07-01';

export const BENCH_BODY = JSON.stringify({
  maximumDuration: 'PT4H',
  rebootSetting: 'IfRequired',
  windowsParameters: { classificationsToInclude: ['Critical', 'Security'] },
});

const AUTHORIZATION = { authorization: 'Bearer x' };

export function installPatches(origin: string, resourceGroup = RESOURCE_GROUP, vmName = WINDOWS_VM): RequestSpec {
  return {
    method: 'POST',
    url: `${origin}/subscriptions/${SUBSCRIPTION}/resourceGroups/${resourceGroup}/providers/Microsoft.Compute/virtualMachines/${vmName}/installPatches?api-version=${API_VERSION}`,
    headers: { ...AUTHORIZATION, 'content-type': 'application/json' },
    body: BENCH_BODY,
    expectStatus: 202,
  };
}

export function statusPoll(url: string): RequestSpec {
  return { method: 'GET', url, headers: AUTHORIZATION, expectStatus: 200 };
}

/** The URLs of an operation one installPatches POST starts. */
export function startOperation(origin: string): Promise<{ statusUrl: string; locationUrl: string }> {
  const spec = installPatches(origin);
  return new Promise((done, fail) => {
    const request = http.request(spec.url, { method: 'POST', headers: spec.headers, agent: false }, (response) => {
      response.resume();
      const statusUrl = response.headers['azure-asyncoperation'];
      const locationUrl = response.headers.location;
      if (response.statusCode !== 202 || typeof statusUrl !== 'string' || typeof locationUrl !== 'string') {
        fail(new Error(`installPatches answered ${response.statusCode} without its operation URLs`));
      } else {
        done({ statusUrl, locationUrl });
      }
    });
    request.setTimeout(10_000, () => request.destroy(new Error('installPatches timed out')));
    request.on('error', fail);
    request.end(spec.body);
  });
}


export function instanceView(origin: string): RequestSpec {
  return {
    method: 'GET',
    url: `${origin}/subscriptions/${SUBSCRIPTION}/resourceGroups/${RESOURCE_GROUP}/providers/Microsoft.Compute/virtualMachines/${WINDOWS_VM}/instanceView?api-version=${API_VERSION}`,
    headers: AUTHORIZATION,
    expectStatus: 200,
  };
}

/** GET a URL with the bench's bearer token; the status and body. */
export function getText(url: string): Promise<{ status: number; body: string }> {
  return new Promise((done, fail) => {
    const request = http.get(url, { headers: AUTHORIZATION, agent: false }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => done({ status: response.statusCode ?? 0, body }));
    });
    request.setTimeout(10_000, () => request.destroy(new Error('GET timed out')));
    request.on('error', fail);
  });
}
