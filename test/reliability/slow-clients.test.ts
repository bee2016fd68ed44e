// Slow clients (server/emulator.ts, docs/reliability.md): both listeners close a connection whose
// request, headers or keep-alive idle time runs past its limit, and --max-connections caps open
// connections. Every wait here is bounded; what is asserted is that the server closed the
// connection, not how fast.

import net from 'node:net';
import tls from 'node:tls';
import t from 'tap';
import { helpText } from '../../server/config.js';
import { listeningEmulator } from '../helpers.js';

const BOUND_MS = 30_000;

/** Connects, sends `bytes`, and resolves with what came back once the server closed the connection (or 'still open' at the bound). */
function heldConnection(port: number, secure: boolean, bytes: string) {
  const socket = secure ? tls.connect({ host: '127.0.0.1', port, rejectUnauthorized: false }) : net.connect({ host: '127.0.0.1', port });
  let received = '';
  socket.on('data', (chunk) => (received += chunk.toString('latin1')));
  socket.on('error', () => undefined);
  socket.write(bytes);
  const closed = new Promise<string>((resolve) => {
    const timer = setTimeout(() => {
      socket.destroy();
      resolve('still open');
    }, BOUND_MS);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(received);
    });
  });
  return { socket, closed };
}

t.test('request, header and keep-alive timeouts close the connection, on both listeners', async (t) => {
  const emulator = await listeningEmulator(t, ['--request-timeout', '2', '--headers-timeout', '1', '--keep-alive-timeout', '1']);
  for (const [name, url, secure] of [['HTTP', emulator.httpUrl, false], ['HTTPS', emulator.httpsUrl, true]] as const) {
    const port = Number(new URL(url).port);
    const body = heldConnection(port, secure, 'POST /_emulator/clock HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"fro');
    t.not(await body.closed, 'still open', `${name}: a body that never finishes`);
    const headers = heldConnection(port, secure, 'GET /_emulator/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ');
    t.not(await headers.closed, 'still open', `${name}: headers that never finish`);
    const idle = heldConnection(port, secure, 'GET /_emulator/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    t.match(await idle.closed, /^HTTP\/1\.1 200 OK/, `${name}: an idle kept-alive connection, after its answer`);
  }
});

t.test('--max-connections: connections past the cap are closed, the others served', async (t) => {
  const emulator = await listeningEmulator(t, ['--max-connections', '2']);
  const port = Number(new URL(emulator.httpUrl).port);
  const partial = 'GET /_emulator/health HTTP/1.1\r\nHost: 127.0.0.1\r\n';
  const first = heldConnection(port, false, partial);
  const second = heldConnection(port, false, partial);
  // Connected first, so the kernel hands them to the server before the third (its accept queue is in order).
  await Promise.all([first, second].map(({ socket }) => new Promise((resolve) => (socket.readyState === 'open' ? resolve(undefined) : socket.once('connect', resolve)))));
  const third = heldConnection(port, false, `${partial}Connection: close\r\n\r\n`);
  t.equal(await third.closed, '', 'the third connection is closed unanswered');
  first.socket.write('Connection: close\r\n\r\n');
  t.match(await first.closed, /^HTTP\/1\.1 200 OK/, 'the first is served');
  second.socket.write('Connection: close\r\n\r\n');
  t.match(await second.closed, /^HTTP\/1\.1 200 OK/);
});

t.test('--help lists the limits', async (t) => {
  const help = helpText();
  for (const flag of ['--request-timeout', '--headers-timeout', '--keep-alive-timeout', '--max-connections', '--allowed-host', '--allow-damaged-database']) t.match(help, flag);
});
