// The plain-HTTP listener's CONNECT answer: tunnels to Entra ID hosts end on the emulator's own HTTPS
// server (when its certificate names them); tunnels anywhere else are refused, never forwarded.

import { readFileSync } from 'node:fs';
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import t from 'tap';
import type { RunningEmulator } from '../../server/emulator.js';
import { listeningEmulator } from '../helpers.js';

/** Sends CONNECT for `target` and resolves with the status line and the socket. */
function openTunnel(emulator: RunningEmulator, target: string): Promise<{ status: string; socket: Socket }> {
  const { hostname, port } = new URL(emulator.httpUrl);
  return new Promise((resolve, reject) => {
    const socket = netConnect(Number(port), hostname, () => socket.write(`CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\n\r\n`));
    socket.setTimeout(10_000, () => socket.destroy(new Error('no answer to CONNECT')));
    let received = '';
    const onData = (chunk: Buffer) => {
      received += chunk.toString('latin1');
      if (!received.includes('\r\n\r\n')) return;
      socket.off('data', onData);
      socket.setTimeout(0);
      resolve({ status: received.split('\r\n')[0]!, socket });
    };
    socket.on('data', onData);
    socket.on('error', reject);
  });
}

t.test('a tunnel to another host is refused', async (t) => {
  const emulator = await listeningEmulator(t);
  const { status, socket } = await openTunnel(emulator, 'example.com:443');
  socket.destroy();
  t.equal(status, 'HTTP/1.1 403 Forbidden');
});

t.test('a tunnel to an Entra host the certificate does not name is refused with a hint', async (t) => {
  const emulator = await listeningEmulator(t);
  const { status, socket } = await openTunnel(emulator, 'login.microsoftonline.com:443');
  socket.destroy();
  t.equal(status, 'HTTP/1.1 502 Bad Gateway');
});

t.test('a tunnel to login.microsoftonline.com ends on the emulator, which answers instance discovery', async (t) => {
  const emulator = await listeningEmulator(t, ['--cert-names', 'localhost,127.0.0.1,login.microsoftonline.com']);
  const { status, socket } = await openTunnel(emulator, 'login.microsoftonline.com:443');
  t.equal(status, 'HTTP/1.1 200 Connection Established');
  const secure = tlsConnect({ socket, servername: 'login.microsoftonline.com', ca: readFileSync(emulator.certPath, 'utf8') });
  const response = await new Promise<string>((resolve, reject) => {
    let text = '';
    secure.on('secureConnect', () =>
      secure.write(
        'GET /common/discovery/instance?api-version=1.1&authorization_endpoint=https://localhost:8443/mytenant/oauth2/v2.0/authorize HTTP/1.1\r\n' +
          'Host: login.microsoftonline.com\r\nConnection: close\r\n\r\n',
      ),
    );
    secure.on('data', (chunk: Buffer) => (text += chunk.toString()));
    secure.on('end', () => resolve(text));
    secure.on('error', reject);
    secure.setTimeout(10_000, () => secure.destroy(new Error('no answer through the tunnel')));
  });
  t.match(response, /^HTTP\/1\.1 200/);
  const body = JSON.parse(response.slice(response.indexOf('\r\n\r\n') + 4)) as { tenant_discovery_endpoint: string; metadata: Array<{ aliases: string[] }> };
  t.equal(body.tenant_discovery_endpoint, 'https://localhost:8443/mytenant/v2.0/.well-known/openid-configuration');
  t.same(body.metadata[0]!.aliases, ['localhost:8443']);
});
