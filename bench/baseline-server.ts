// The bench's baseline: the practical limit of this stack (issue 7). A bare Fastify 5 server whose
// POST validates the same installPatches body schema and does one better-sqlite3 INSERT (WAL,
// synchronous=NORMAL), and whose GETs do one SELECT by primary key: a running operation's status
// (about 300 bytes, serialized), or a finished one's, which is a stored JSON string as large as the
// emulator's result (given in --result-file): the result itself at the Location URL, inside a
// status envelope at the status URL. With `--completion instant` the first status poll finishes the
// operation (one UPDATE that stores the result), as the emulator's instant mode does; by default
// operations stay running. It prints its address the way the emulator does, so the bench starts
// both alike.
//
//   node dist/bench/baseline-server.js --data-dir <folder> [--completion instant] [--result-file <json>]

import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import Fastify from 'fastify';
import { installPatchesBodySchema, linuxParametersSchema, windowsParametersSchema } from '../schemas/install-patches.js';

const { values } = parseArgs({
  options: { 'data-dir': { type: 'string' }, completion: { type: 'string', default: 'never' }, 'result-file': { type: 'string' } },
  strict: true,
});
const finishAtFirstPoll = values.completion === 'instant';
const storedResult = values['result-file'] ? readFileSync(values['result-file'], 'utf8') : '{}';
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
  end_time   TEXT,
  body       TEXT NOT NULL,
  result     TEXT
) WITHOUT ROWID`);
const insert = db.prepare('INSERT INTO operations (id, vm, status, start_time, body) VALUES (?, ?, ?, ?, ?)');
const select = db.prepare('SELECT id, vm, status, start_time, end_time, result FROM operations WHERE id = ?');
const finish = db.prepare(`UPDATE operations SET status = 'Succeeded', end_time = ?, result = ? WHERE id = ? AND result IS NULL`);
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

interface OperationRow {
  id: string;
  vm: string;
  status: string;
  start_time: string;
  end_time: string | null;
  result: string | null;
}

app.get<{ Params: { operationId: string }; Querystring: { monitor?: string } }>(OPERATION_PATH, async (request, reply) => {
  let row = select.get(request.params.operationId) as OperationRow | undefined;
  if (!row) return reply.code(404).send({ error: { code: 'NotFound', message: 'no such operation' } });
  const monitor = request.query.monitor === 'true';
  if (row.result === null && finishAtFirstPoll && !monitor) {
    const endTime = new Date().toISOString();
    finish.run(endTime, storedResult, row.id);
    row = { ...row, status: 'Succeeded', end_time: endTime, result: storedResult };
  }
  if (row.result === null) {
    if (monitor) return reply.code(202).header('content-length', '0').send();
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
  }
  reply.type('application/json; charset=utf-8');
  if (monitor) return row.result;
  return `{"startTime":"${row.start_time}","endTime":"${row.end_time}","status":"${row.status}","properties":{"output":${row.result}},"name":"${row.id}"}`;
});

app.get('/health', async () => ({ status: (probe.get() as { ok: number }).ok === 1 ? 'Healthy' : 'Unhealthy' }));

await app.listen({ host: '127.0.0.1', port: 0 });
const { port } = app.server.address() as AddressInfo;
process.stdout.write(`baseline is ready\n  HTTP    http://127.0.0.1:${port}\n`);

const stop = () => app.close().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
