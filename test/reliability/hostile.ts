// Shared by the reliability tests: what a CloudError answer is, and raw HTTP over a socket for the
// requests a well-behaved client library refuses to send.

import net from 'node:net';
import tls from 'node:tls';

interface Answer {
  statusCode: number;
  headers: Record<string, string | string[] | number | undefined>;
  body: string;
}

/** ARM's error envelope (schemas/cloud-error.ts), with a JSON content type. */
export function isCloudError(response: Answer): boolean {
  if (!String(response.headers['content-type'] ?? '').startsWith('application/json')) return false;
  let parsed: unknown;
  try {
    parsed = JSON.parse(response.body);
  } catch {
    return false;
  }
  const error = (parsed as { error?: Record<string, unknown> } | null)?.error;
  if (typeof error !== 'object' || error === null) return false;
  if (typeof error.code !== 'string' || error.code === '' || typeof error.message !== 'string') return false;
  if (error.target !== undefined && typeof error.target !== 'string') return false;
  return error.details === undefined || Array.isArray(error.details);
}

/**
 * Sends raw bytes (over TLS when `secure`) and reads until the server closes the connection
 * (bounded by `timeoutMs`).
 */
export function rawRequest(port: number, bytes: string | Buffer, options: { secure?: boolean; timeoutMs?: number } = {}): Promise<Answer & { raw: string }> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  return new Promise((resolve, reject) => {
    const socket = options.secure ? tls.connect({ host: '127.0.0.1', port, rejectUnauthorized: false }) : net.connect({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', () => undefined); // a reset after the answer is how some refusals end
    socket.on('close', () => {
      clearTimeout(timer);
      const raw = Buffer.concat(chunks).toString('latin1');
      const [head = '', ...rest] = raw.split('\r\n\r\n');
      const [statusLine = '', ...headerLines] = head.split('\r\n');
      const headers: Record<string, string> = {};
      for (const line of headerLines) {
        const colon = line.indexOf(':');
        if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      resolve({ statusCode: Number(statusLine.split(' ')[1] ?? 0), headers, body: rest.join('\r\n\r\n'), raw });
    });
    socket.write(bytes);
  });
}
