// The key the emulator signs its access tokens with: RSA 2048 (RS256, as Microsoft Entra ID signs),
// generated on first start and kept in the data folder, so tokens stay valid across restarts and a
// test can read the key to make tokens of its own (an expired one, say).

import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface PublicJwk {
  kty: string;
  use: 'sig';
  alg: 'RS256';
  kid: string;
  n: string;
  e: string;
}

export interface SigningKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** The key's id: the JWT header's `kid` and the JWKS entry's. */
  kid: string;
  jwk: PublicJwk;
  /** Where the PEM lives; undefined for a key that lives in memory only. */
  path: string | undefined;
}

export const SIGNING_KEY_FILE = join('identity', 'signing-key.pem');

function fromPrivateKey(privateKey: KeyObject, path: string | undefined): SigningKey {
  const publicKey = createPublicKey(privateKey);
  const { n, e, kty } = publicKey.export({ format: 'jwk' }) as { n: string; e: string; kty: string };
  // RFC 7638 thumbprint: stable for the key, whatever the file looks like.
  const kid = createHash('sha256').update(JSON.stringify({ e, kty, n })).digest('base64url');
  return { privateKey, publicKey, kid, jwk: { kty, use: 'sig', alg: 'RS256', kid, n, e }, path };
}

function newPrivateKey(): KeyObject {
  return generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
}

/** The key in `<dataDir>/identity/signing-key.pem`, created there on first use. */
export function loadOrCreateSigningKey(dataDir: string): SigningKey {
  const path = join(dataDir, SIGNING_KEY_FILE);
  if (existsSync(path)) return fromPrivateKey(createPrivateKey(readFileSync(path, 'utf8')), path);
  const privateKey = newPrivateKey();
  mkdirSync(join(dataDir, 'identity'), { recursive: true });
  writeFileSync(path, privateKey.export({ format: 'pem', type: 'pkcs8' }) as string, { mode: 0o600 });
  return fromPrivateKey(privateKey, path);
}

let ephemeral: SigningKey | undefined;

/**
 * A key for an emulator without a data folder (tests through app.inject): made once per process,
 * since an RSA key takes tens of milliseconds to make and nothing outside the process sees it.
 */
export function ephemeralSigningKey(): SigningKey {
  ephemeral ??= fromPrivateKey(newPrivateKey(), undefined);
  return ephemeral;
}
