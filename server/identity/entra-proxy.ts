// MSAL asks Microsoft's public instance discovery (https://login.microsoftonline.com/common/discovery/instance)
// before it trusts an authority it does not know, unless told not to (disableInstanceDiscovery).
// For clients that cannot be told, the plain-HTTP listener also answers HTTP CONNECT, so that the
// emulator can be their HTTPS proxy (HTTPS_PROXY=http://localhost:8080, NO_PROXY=localhost): a tunnel
// to a Microsoft Entra ID host ends here, on the emulator's own HTTPS server, which then answers
// the discovery with its own endpoints. Nothing is ever forwarded anywhere else: a tunnel to any
// other host is refused. The certificate must name the Entra host (--cert-names), since the client
// checks it.

import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { Duplex } from 'node:stream';

/** The Entra ID hosts MSAL and the Azure SDKs use for the public cloud. */
export const ENTRA_HOSTS = ['login.microsoftonline.com', 'login.windows.net', 'login.microsoft.com', 'sts.windows.net'];

function refuse(socket: Duplex, status: string, reason: string): void {
  socket.end(`HTTP/1.1 ${status}\r\ncontent-type: text/plain\r\ncontent-length: ${Buffer.byteLength(reason)}\r\nconnection: close\r\n\r\n${reason}`);
}

/**
 * Answers CONNECT requests on `httpServer`: tunnels to one of `servedHosts` on port 443 are handed to
 * `httpsServer`; the rest are refused with 403.
 */
export function serveEntraTunnels(httpServer: HttpServer, httpsServer: HttpsServer, servedHosts: readonly string[]): void {
  const served = new Set(servedHosts.map((host) => host.toLowerCase()));
  httpServer.on('connect', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const target = /^([^:\s]+):(\d+)$/.exec(request.url ?? '');
    const host = target?.[1]?.toLowerCase();
    if (!host || target?.[2] !== '443' || !ENTRA_HOSTS.includes(host)) {
      refuse(socket, '403 Forbidden', `This emulator tunnels only to ${ENTRA_HOSTS.join(', ')} (port 443), and answers them itself.\n`);
      return;
    }
    if (!served.has(host)) {
      refuse(socket, '502 Bad Gateway', `The emulator's certificate does not name ${host}: start it with --cert-names including ${host}.\n`);
      return;
    }
    socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    if (head.length > 0) socket.unshift(head);
    httpsServer.emit('connection', socket);
  });
}
