// The real @azure/identity credentials, in a child process as a user's program runs them, drive the
// real @azure/arm-compute through an install against a listening emulator in strict auth mode: the
// install only succeeds if the emulator issued the token and the SDK accepted everything on the way.

import t, { type Test } from 'tap';
import { listeningEmulator } from '../helpers.js';
import { cleanEnv, fixturePath, runNode } from '../process-harness.js';

const TENANT = '72f988bf-0000-4000-8000-000000000001';
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

interface SdkRun {
  claims: Record<string, unknown>;
  result: { status: string; installedPatchCount: number; installationActivityId: string };
}

async function runSdk(t: Test, env: NodeJS.ProcessEnv): Promise<SdkRun> {
  const result = await runNode(fixturePath('sdk-install.js'), [], cleanEnv(env));
  t.equal(result.code, 0, `the SDK program succeeds${result.code === 0 ? '' : `: ${result.stderr.slice(-2000)}`}`);
  return JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '{}') as SdkRun;
}

t.test('ClientSecretCredential with the emulator as authority host, instance discovery off', async (t) => {
  const emulator = await listeningEmulator(t, ['--auth', 'strict', '--completion', 'instant', '--retry-after', '0']);
  const run = await runSdk(t, {
    NODE_EXTRA_CA_CERTS: emulator.certPath,
    CPE_TEST_ENDPOINT: emulator.httpsUrl,
    CPE_TEST_CREDENTIAL: 'client-secret',
    CPE_TEST_TENANT: TENANT,
  });
  t.equal(run.claims.tid, TENANT, 'the token names the tenant asked for');
  t.equal(run.claims.aud, 'https://management.azure.com', 'audience from the scope, as Entra ID sets it');
  t.equal(run.claims.appid, 'my-test-client');
  t.match(run.claims.oid, /^[0-9a-f-]{36}$/);
  t.equal(run.claims.iss, `${emulator.httpsUrl}/${TENANT}/v2.0`);
  t.ok(typeof run.claims.exp === 'number' && run.claims.exp > Date.now() / 1000, 'an unexpired token');
  t.match(run.result.installationActivityId, GUID, 'the install ran to its result');
  t.ok(run.result.installedPatchCount > 0, 'patches were installed');
});

t.test('ManagedIdentityCredential, App Service style (IDENTITY_ENDPOINT + IDENTITY_HEADER)', async (t) => {
  const emulator = await listeningEmulator(t, ['--auth', 'strict', '--completion', 'instant', '--retry-after', '0']);
  const run = await runSdk(t, {
    NODE_EXTRA_CA_CERTS: emulator.certPath,
    CPE_TEST_ENDPOINT: emulator.httpsUrl,
    CPE_TEST_CREDENTIAL: 'managed-identity',
    IDENTITY_ENDPOINT: `${emulator.httpUrl}/msi/token`,
    IDENTITY_HEADER: 'any-header-value',
  });
  t.equal(run.claims.aud, 'https://management.azure.com');
  t.match(run.claims.tid, /^[0-9a-f-]{36}$/);
  t.match(run.result.installationActivityId, GUID, 'the install ran to its result');
});

t.test('ManagedIdentityCredential, MSI_ENDPOINT style (what az login --identity uses too)', async (t) => {
  const emulator = await listeningEmulator(t, ['--auth', 'strict', '--completion', 'instant', '--retry-after', '0']);
  const run = await runSdk(t, {
    NODE_EXTRA_CA_CERTS: emulator.certPath,
    CPE_TEST_ENDPOINT: emulator.httpsUrl,
    CPE_TEST_CREDENTIAL: 'managed-identity',
    MSI_ENDPOINT: `${emulator.httpUrl}/msi/token`,
  });
  t.equal(run.claims.aud, 'https://management.azure.com');
  t.match(run.result.installationActivityId, GUID, 'the install ran to its result');
});

t.test('ClientSecretCredential with instance discovery on, the emulator as HTTPS proxy for login.microsoftonline.com', async (t) => {
  const emulator = await listeningEmulator(t, [
    '--auth', 'strict', '--completion', 'instant', '--retry-after', '0',
    '--cert-names', 'localhost,127.0.0.1,::1,login.microsoftonline.com',
  ]);
  const run = await runSdk(t, {
    NODE_EXTRA_CA_CERTS: emulator.certPath,
    CPE_TEST_ENDPOINT: emulator.httpsUrl,
    CPE_TEST_CREDENTIAL: 'client-secret',
    CPE_TEST_TENANT: TENANT,
    CPE_TEST_INSTANCE_DISCOVERY: 'on',
    // MSAL's discovery request goes to login.microsoftonline.com through the emulator; the rest goes straight to it.
    HTTPS_PROXY: emulator.httpUrl,
    NO_PROXY: 'localhost,127.0.0.1',
  });
  t.equal(run.claims.tid, TENANT);
  t.match(run.result.installationActivityId, GUID, 'the install ran to its result');
});
