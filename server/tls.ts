// The HTTPS certificate: the one given with --cert/--key, or one generated on first start for
// localhost, 127.0.0.1 and ::1 (or the --cert-names, e.g. a compose service name) and kept in the
// data folder, so clients can trust it once (NODE_EXTRA_CA_CERTS, REQUESTS_CA_BUNDLE).

import { X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface TlsMaterial {
  cert: string;
  key: string;
  /** The file clients should trust. */
  certPath: string;
  generated: boolean;
}

export const DEFAULT_CERT_NAMES = ['localhost', '127.0.0.1', '::1'];

const isIp = (name: string) => /^[\d.]+$/.test(name) || name.includes(':');

/** Whether a certificate covers every name asked for (a kept certificate is made anew when not). */
export function covers(certPem: string, names: readonly string[]): boolean {
  const certificate = new X509Certificate(certPem);
  return names.every((name) => (isIp(name) ? certificate.checkIP(name) : certificate.checkHost(name)) !== undefined);
}

export async function loadOrCreateCertificate(options: { dataDir: string; cert?: string | undefined; key?: string | undefined; names?: string[] }): Promise<TlsMaterial> {
  if (options.cert && options.key) {
    return { cert: readFileSync(options.cert, 'utf8'), key: readFileSync(options.key, 'utf8'), certPath: options.cert, generated: false };
  }
  const folder = join(options.dataDir, 'tls');
  const certPath = join(folder, 'cert.pem');
  const keyPath = join(folder, 'key.pem');
  const names = options.names ?? DEFAULT_CERT_NAMES;
  if (existsSync(certPath) && existsSync(keyPath)) {
    const cert = readFileSync(certPath, 'utf8');
    if (covers(cert, names)) return { cert, key: readFileSync(keyPath, 'utf8'), certPath, generated: false };
  }
  // Loaded only here: selfsigned and its X.509 stack are a large share of a cold start (bench/,
  // README "Performance"), and a data folder that has its certificate does not need them.
  const { generate } = await import('selfsigned');
  const now = new Date();
  const pems = await generate([{ name: 'commonName', value: names[0] ?? 'localhost' }], {
    keyType: 'ec',
    curve: 'P-256',
    notBeforeDate: new Date(now.getTime() - 24 * 3600_000),
    notAfterDate: new Date(now.getTime() + 825 * 24 * 3600_000),
    extensions: [
      // A self-signed leaf that is also its own CA, so NODE_EXTRA_CA_CERTS can trust it directly.
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', digitalSignature: true, keyCertSign: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: names.map((name) => (isIp(name) ? { type: 7 as const, ip: name } : { type: 2 as const, value: name })) },
    ],
  });
  mkdirSync(folder, { recursive: true });
  writeAtomically(keyPath, pems.private, 0o600);
  writeAtomically(certPath, pems.cert, 0o644);
  return { cert: pems.cert, key: pems.private, certPath, generated: true };
}

/** Whole or not at all: a start killed while writing must not leave a truncated PEM behind. */
function writeAtomically(path: string, text: string, mode: number): void {
  writeFileSync(`${path}.tmp`, text, { mode });
  renameSync(`${path}.tmp`, path);
}
