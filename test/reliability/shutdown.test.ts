// Graceful shutdown (docs/reliability.md): on SIGTERM the spawned emulator stops accepting
// connections, finishes the request in flight (held open with `Expect: 100-continue` until the
// signal has been handled, so the order is certain), closes the database and exits 0; what it
// accepted is there after a restart. A client that never finishes its request cannot hold the
// shutdown past its grace period.

import { existsSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import t from 'tap';
import { SPEC_EXAMPLE_BODY, tempDir, vmPath, WINDOWS_VM } from '../helpers.js';
import { request, startCli, stop, ON_FREE_PORTS } from '../process-harness.js';

/** A POST whose headers are sent and acknowledged (100 Continue) while its body is held back. */
async function heldRequest(port: number, path: string, body: string) {
  const socket = net.connect({ host: '127.0.0.1', port });
  let received = '';
  const closed = new Promise<string>((resolve) => socket.on('close', () => resolve(received)));
  socket.on('error', () => undefined);
  const continued = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no 100 Continue: ${received}`)), 10_000);
    socket.on('data', (chunk) => {
      received += chunk.toString('latin1');
      if (received.startsWith('HTTP/1.1 100 Continue\r\n\r\n')) {
        clearTimeout(timer);
        received = received.slice('HTTP/1.1 100 Continue\r\n\r\n'.length);
        resolve();
      }
    });
  });
  socket.write(
    `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: Bearer test\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nExpect: 100-continue\r\nConnection: keep-alive\r\n\r\n`,
  );
  await continued;
  return { sendBody: () => socket.write(body), closed };
}

function connectionRefused(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.on('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

const installPath = `${vmPath(WINDOWS_VM)}/installPatches?api-version=2024-07-01`;

t.test('SIGTERM: no new connections, the request in flight finishes, the database is closed, exit 0', async (t) => {
  const dataDir = tempDir(t);
  const args = ['--data-dir', dataDir, '--completion', 'polls:1'];
  const emulator = await startCli([...ON_FREE_PORTS, ...args]);
  t.teardown(() => stop(emulator, 'SIGKILL'));
  const port = Number(new URL(emulator.httpUrl).port);

  const held = await heldRequest(port, installPath, JSON.stringify(SPEC_EXAMPLE_BODY));
  emulator.child.kill('SIGTERM');
  await emulator.waitForLine(/stopping \(SIGTERM\)/);
  t.equal(await connectionRefused(port), 'ECONNREFUSED', 'a new connection is refused once stopping');

  held.sendBody();
  const answer = await held.closed;
  t.match(answer, /^HTTP\/1\.1 202 Accepted\r\n/, 'the request in flight is answered 202');
  t.match(answer, /\r\nconnection: close\r\n/i, 'and its connection closed');
  const operationId = /\r\nx-ms-request-id: ([0-9a-f-]+)\r\n/i.exec(answer)![1]!;
  const statusPath = /\r\nazure-asyncoperation: https?:\/\/[^/]+(\/\S+)\r\n/i.exec(answer)![1]!;

  t.equal(await emulator.exited, 0, 'exit status 0');
  t.match(emulator.output(), /stopped \(SIGTERM\)/);
  t.notOk(existsSync(join(dataDir, 'emulator.sqlite-wal')), 'the database was closed (its write-ahead log folded in)');

  const restarted = await startCli([...ON_FREE_PORTS, ...args]);
  t.teardown(() => stop(restarted, 'SIGKILL'));
  const done = JSON.parse((await request(`${restarted.httpUrl}${statusPath}`)).body);
  t.equal(done.name, operationId, 'the operation accepted during the shutdown is there after a restart');
  t.equal(done.status, 'Succeeded');
  t.equal(await stop(restarted, 'SIGINT'), 0);
});

t.test('SIGTERM: a client that never sends its body is cut off after the grace period, and the exit is still clean', async (t) => {
  const dataDir = tempDir(t);
  // A short grace, so the test does not wait the default 5 s for the cut.
  const emulator = await startCli([...ON_FREE_PORTS, '--data-dir', dataDir, '--shutdown-grace', '1']);
  t.teardown(() => stop(emulator, 'SIGKILL'));
  const held = await heldRequest(Number(new URL(emulator.httpUrl).port), installPath, JSON.stringify(SPEC_EXAMPLE_BODY));
  emulator.child.kill('SIGTERM');
  t.equal(await emulator.exited, 0, 'exit status 0');
  t.equal(await held.closed, '', 'the stalled connection was closed without an answer');
  t.notOk(existsSync(join(dataDir, 'emulator.sqlite-wal')), 'the database was closed');
});
