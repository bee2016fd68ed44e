// The bench's baseline: the practical limit of this stack (issue 7). A bare Fastify 5 server whose
// POST validates the same installPatches body schema and does one better-sqlite3 INSERT (WAL,
// synchronous=NORMAL), and whose GET does one SELECT by primary key and returns a status of about
// 300 bytes. It prints its address the way the emulator does, so the bench starts both alike.
//
//   node dist/bench/baseline-server.js --data-dir <folder>

import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import Fastify from 'fastify';
import { installPatchesBodySchema, linuxParametersSchema, windowsParametersSchema } from '../schemas/install-patches.js';

const { values } = parseArgs({ options: { 'data-dir': { type: 'string' } }, strict: true });
const dataDir = values['data-dir'];
if (!dataDir) {
  process.stderr.write('baseline-server: --data-dir is required\n');
  process.exit(2);
}
mkdirSync(dataDir, { recursive: true });

const db = new Database(join(dataDir, 'baseline.sqlite'));
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.exec(`CREATE TABLE IF NOT EXISTS operations (
  id         TEXT PRIMARY KEY,
  vm         TEXT NOT NULL,
  status     TEXT NOT NULL,
  start_time TEXT NOT NULL,
  body       TEXT NOT NULL
) WITHOUT ROWID`);
const insert = db.prepare('INSERT INTO operations (id, vm, status, start_time, body) VALUES (?, ?, ?, ?, ?)');
const select = db.prepare('SELECT id, vm, status, start_time FROM operations WHERE id = ?');
const probe = db.prepare('SELECT 1 AS ok');

// The same ajv options as the emulator's: no coercion, unknown properties kept.
const app = Fastify({ logger: false, ajv: { customOptions: { coerceTypes: false, removeAdditional: false, allErrors: false } } });
app.addSchema(windowsParametersSchema);
app.addSchema(linuxParametersSchema);

const VM_PATH = '/subscriptions/:subscriptionId/resourceGroups/:resourceGroupName/providers/Microsoft.Compute/virtualMachines/:vmName';
const OPERATION_PATH = '/subscriptions/:subscriptionId/providers/Microsoft.Compute/locations/:location/operations/:operationId';

app.post<{ Params: { subscriptionId: string; vmName: string } }>(
  `${VM_PATH}/installPatches`,
  { schema: { body: installPatchesBodySchema } },
  async (request, reply) => {
    const id = randomUUID();
    insert.run(id, request.params.vmName, 'InProgress', new Date().toISOString(), JSON.stringify(request.body));
    const base = `http://${request.host}/subscriptions/${request.params.subscriptionId}/providers/Microsoft.Compute/locations/westus/operations/${id}`;
    reply
      .code(202)
      .headers({ 'azure-asyncoperation': `${base}?api-version=2024-07-01`, location: `${base}?monitor=true&api-version=2024-07-01` })
      .send();
  },
);

app.get<{ Params: { operationId: string } }>(OPERATION_PATH, async (request, reply) => {
  const row = select.get(request.params.operationId) as { id: string; vm: string; status: string; start_time: string } | undefined;
  if (!row) return reply.code(404).send({ error: { code: 'NotFound', message: 'no such operation' } });
  return {
    startTime: row.start_time,
    status: row.status,
    name: row.id,
    properties: {
      vmName: row.vm,
      operation: 'installPatches',
      maintenanceWindowExceeded: false,
      rebootStatus: 'NotNeeded',
      installedPatchCount: 0,
      pendingPatchCount: 0,
      excludedPatchCount: 0,
      notSelectedPatchCount: 0,
      failedPatchCount: 0,
    },
  };
});

app.get('/health', async () => ({ status: (probe.get() as { ok: number }).ok === 1 ? 'Healthy' : 'Unhealthy' }));

await app.listen({ host: '127.0.0.1', port: 0 });
const { port } = app.server.address() as AddressInfo;
process.stdout.write(`baseline is ready\n  HTTP    http://127.0.0.1:${port}\n`);

const stop = () => app.close().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
