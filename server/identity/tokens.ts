// Access tokens: RS256 JWTs with the claims Microsoft Entra ID puts in an app-only token (tid, oid,
// aud, iss, exp, ...), signed with the emulator's key, and read back by the strict auth mode.

import { sign, verify } from 'node:crypto';
import { guidFrom } from '../../simulator/random.js';
import type { SigningKey } from './signing-key.js';

/** What Entra ID answers as `expires_in` for an app-only token. */
export const TOKEN_LIFETIME_SECONDS = 3599;

/** How far a token's `nbf` may lie in the future. */
const CLOCK_SKEW_SECONDS = 300;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface AccessTokenClaims {
  aud: string;
  iss: string;
  iat: number;
  nbf: number;
  exp: number;
  tid: string;
  oid: string;
  sub: string;
  appid: string;
  idtyp: 'app';
  ver: '1.0' | '2.0';
  [claim: string]: unknown;
}

export interface IssuedToken {
  accessToken: string;
  claims: AccessTokenClaims;
}

export interface TokenRequest {
  /** The tenant named in the URL ('common', a domain or a GUID). */
  tenant: string;
  clientId: string;
  audience: string;
  /** The origin the client reached the emulator at, for `iss`. */
  origin: string;
  version: '1.0' | '2.0';
  nowSeconds: number;
}

export type TokenCheck =
  | { outcome: 'valid'; claims: Partial<AccessTokenClaims> }
  | { outcome: 'invalid' }
  | { outcome: 'expired'; expiredAt: number };

const base64Json = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** The claims of a JWT, unchecked; undefined when the text is not a JWT. */
export function decodeClaims(token: string): Record<string, unknown> | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as unknown;
    return claims && typeof claims === 'object' && !Array.isArray(claims) ? (claims as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export class TokenIssuer {
  /** The tenant of tokens asked for under 'common', 'organizations' or a domain name. */
  readonly defaultTenantId: string;

  private signingKey: SigningKey | undefined;

  /**
   * `key` may be given as a function: it is then called when a token is first signed or checked,
   * so that a start that issues no token makes no RSA key (tens of milliseconds of CPU).
   */
  constructor(private readonly keySource: SigningKey | (() => SigningKey), private readonly seed: string) {
    this.defaultTenantId = guidFrom(seed, 'tenant');
  }

  get key(): SigningKey {
    this.signingKey ??= typeof this.keySource === 'function' ? this.keySource() : this.keySource;
    return this.signingKey;
  }

  tenantIdFor(tenant: string): string {
    return GUID.test(tenant) ? tenant.toLowerCase() : this.defaultTenantId;
  }

  /** The object id of the service principal (or managed identity) behind a client id, stable per seed. */
  objectIdFor(tenantId: string, clientId: string): string {
    return guidFrom(this.seed, 'principal', tenantId, clientId.toLowerCase());
  }

  issue(request: TokenRequest): IssuedToken {
    const tid = this.tenantIdFor(request.tenant);
    const oid = this.objectIdFor(tid, request.clientId);
    const claims: AccessTokenClaims = {
      aud: request.audience,
      iss: request.version === '2.0' ? `${request.origin}/${tid}/v2.0` : `${request.origin}/${tid}/`,
      iat: request.nowSeconds,
      nbf: request.nowSeconds,
      exp: request.nowSeconds + TOKEN_LIFETIME_SECONDS,
      tid,
      oid,
      sub: oid,
      appid: request.clientId,
      idtyp: 'app',
      ver: request.version,
    };
    return { accessToken: this.sign(claims), claims };
  }

  /** Signs any claims with the emulator's key. */
  sign(claims: Record<string, unknown>): string {
    const signingInput = `${base64Json({ typ: 'JWT', alg: 'RS256', kid: this.key.kid })}.${base64Json(claims)}`;
    return `${signingInput}.${sign('RSA-SHA256', Buffer.from(signingInput), this.key.privateKey).toString('base64url')}`;
  }

  /**
   * Signature (this emulator's key, RS256 only), then the validity period: `exp`, and `nbf` when
   * present, with the five minutes of clock skew Microsoft's token validation allows
   * (TokenValidationParameters.DefaultClockSkew,
   * https://learn.microsoft.com/en-us/dotnet/api/microsoft.identitymodel.tokens.tokenvalidationparameters.defaultclockskew).
   * A token not yet valid is an invalid token, as ARM has no error of its own for it.
   */
  check(token: string, nowSeconds: number): TokenCheck {
    const parts = token.split('.');
    if (parts.length !== 3) return { outcome: 'invalid' };
    const [header, payload, signature] = parts as [string, string, string];
    let alg: unknown;
    try {
      alg = (JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as { alg?: unknown }).alg;
    } catch {
      return { outcome: 'invalid' };
    }
    if (alg !== 'RS256') return { outcome: 'invalid' };
    const signed = verify('RSA-SHA256', Buffer.from(`${header}.${payload}`), this.key.publicKey, Buffer.from(signature, 'base64url'));
    const claims = signed ? decodeClaims(token) : undefined;
    if (!claims) return { outcome: 'invalid' };
    if (typeof claims.exp !== 'number') return { outcome: 'invalid' };
    if (claims.exp <= nowSeconds) return { outcome: 'expired', expiredAt: claims.exp };
    if (claims.nbf !== undefined && (typeof claims.nbf !== 'number' || claims.nbf > nowSeconds + CLOCK_SKEW_SECONDS)) return { outcome: 'invalid' };
    return { outcome: 'valid', claims: claims as Partial<AccessTokenClaims> };
  }
}
