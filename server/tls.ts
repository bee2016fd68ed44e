// The HTTPS certificate: the one given with --cert/--key, or one generated on first start for
// localhost, 127.0.0.1 and ::1 (or the --cert-names, e.g. a compose service name) and kept in the
// data folder, so clients can trust it once (NODE_EXTRA_CA_CERTS, REQUESTS_CA_BUNDLE).

import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigError } from './config-error.js';
import { isIp, selfSignedCertificate } from './x509.js';

export interface TlsMaterial {
  cert: string;
  key: string;
  /** The file clients should trust. */
  certPath: string;
  generated: boolean;
}

export const DEFAULT_CERT_NAMES = ['localhost', '127.0.0.1', '::1'];

/** Whether a certificate covers every name asked for (a kept certificate is made anew when not). */
export function covers(certPem: string, names: readonly string[]): boolean {
  const certificate = new X509Certificate(certPem);
  return names.every((name) => (isIp(name) ? certificate.checkIP(name) : certificate.checkHost(name)) !== undefined);
}

/** A file named by an option, read whole; what is wrong with it is said with the option and the path. */
function readOptionFile(flag: string, file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file'
      : code === 'EISDIR' ? 'is a folder, not a file'
      : code === 'EACCES' || code === 'EPERM' ? 'cannot be read by this user'
      : (error as Error).message;
    throw new ConfigError(`--${flag} ${file}: ${why}`);
  }
}

/**
 * The certificate and key given with --cert/--key, checked before anything starts: both PEM, the
 * key unencrypted and the certificate's own (TLS would otherwise fail with an OpenSSL code that
 * names neither file).
 */
export function readGivenCertificate(certFile: string, keyFile: string): TlsMaterial {
  const certPath = resolve(certFile);
  const keyPath = resolve(keyFile);
  const cert = readOptionFile('cert', certPath);
  const key = readOptionFile('key', keyPath);
  let certificate: X509Certificate;
  try {
    if (!cert.includes('-----BEGIN CERTIFICATE-----')) throw new Error('no PEM block');
    certificate = new X509Certificate(cert);
  } catch {
    throw new ConfigError(`--cert ${certPath}: not a PEM certificate (expected a -----BEGIN CERTIFICATE----- block)`);
  }
  let privateKey: KeyObject;
  try {
    if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(key)) throw new Error('no PEM block');
    privateKey = createPrivateKey(key);
  } catch (error) {
    const encrypted = /ENCRYPTED/.test(key) || /passphrase/i.test((error as Error).message);
    throw new ConfigError(encrypted
      ? `--key ${keyPath}: the private key is encrypted; give it without a passphrase`
      : `--key ${keyPath}: not a PEM private key (expected a -----BEGIN PRIVATE KEY----- block)`);
  }
  if (!certificate.checkPrivateKey(privateKey)) throw new ConfigError(`--key ${keyPath}: not the private key of --cert ${certPath}`);
  return { cert, key, certPath, generated: false };
}

export async function loadOrCreateCertificate(options: { dataDir: string; cert?: string | undefined; key?: string | undefined; names?: string[] }): Promise<TlsMaterial> {
  if (options.cert && options.key) return readGivenCertificate(options.cert, options.key);
  const folder = join(options.dataDir, 'tls');
  const certPath = join(folder, 'cert.pem');
  const keyPath = join(folder, 'key.pem');
  const names = options.names ?? DEFAULT_CERT_NAMES;
  if (existsSync(certPath) && existsSync(keyPath)) {
    const cert = readFileSync(certPath, 'utf8');
    if (covers(cert, names)) return { cert, key: readFileSync(keyPath, 'utf8'), certPath, generated: false };
  }
  const now = Date.now();
  const pems = selfSignedCertificate(names, new Date(now - 24 * 3600_000), new Date(now + 825 * 24 * 3600_000));
  mkdirSync(folder, { recursive: true });
  writeAtomically(keyPath, pems.key, 0o600);
  writeAtomically(certPath, pems.cert, 0o644);
  return { cert: pems.cert, key: pems.key, certPath, generated: true };
}

/** Whole or not at all: a start killed while writing must not leave a truncated PEM behind. */
function writeAtomically(path: string, text: string, mode: number): void {
  writeFileSync(`${path}.tmp`, text, { mode });
  renameSync(`${path}.tmp`, path);
}
