// Run by the client tests (test/clients/lib.sh, `start_outbound_recorder`) as the HTTP(S)_PROXY of
// the client under test, with NO_PROXY naming the emulator's host: any request the client makes to
// another host (telemetry, a version check, instance discovery) reaches this listener instead of
// the network, is written as one line to the file named on the command line, and is refused.
// So a test can assert that its client stayed offline.
// Listens on a free loopback port and prints "recording on <port>".
// Usage: node dist/test/clients/outbound.js <log file>

import { appendFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const logFile = process.argv[2];
if (!logFile) throw new Error('usage: outbound.js <log file>');

const server = createServer((request, response) => {
  appendFileSync(logFile, `${request.method} ${request.url}\n`);
  response.writeHead(403, { connection: 'close' }).end();
});
// HTTPS through a proxy starts with CONNECT host:port.
server.on('connect', (request, socket) => {
  appendFileSync(logFile, `CONNECT ${request.url}\n`);
  socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
});
server.listen(0, '127.0.0.1', () => console.log(`recording on ${(server.address() as AddressInfo).port}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
