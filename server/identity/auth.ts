// --auth: 'any' accepts any bearer token (ARM's 401s still answer a missing or malformed header);
// 'strict' checks the token as ARM does: this emulator's signature, validity period (exp, nbf),
// then audience.

import type { FastifyRequest } from 'fastify';
import { expiredAuthenticationToken, invalidAuthenticationToken, invalidAuthenticationTokenAudience } from '../arm/errors.js';
import type { HostAllowlist } from '../hosts.js';
import type { TokenIssuer } from './tokens.js';

export const AUTH_MODES = ['any', 'strict'] as const;
export type AuthMode = (typeof AUTH_MODES)[number];

/** The audiences ARM accepts, in the order its InvalidAuthenticationTokenAudience message lists them. */
export const ARM_AUDIENCES = ['https://management.core.windows.net/', 'https://management.core.windows.net', 'https://management.azure.com/', 'https://management.azure.com'];

/**
 * The audiences a token may carry here: ARM's, and the emulator's own URL, which is what an SDK
 * client with a custom endpoint asks for (`${endpoint}/.default`). Its own URLs are those of the
 * configured host names (server/hosts.ts), never whatever the request's Host says.
 */
function allowedAudiences(hosts: HostAllowlist): string[] {
  return [...ARM_AUDIENCES, ...hosts.names().flatMap((name) => [`https://${name}/`, `https://${name}`])];
}

function audienceIsOwn(audience: string, hosts: HostAllowlist): boolean {
  try {
    // Either listener (HTTPS or HTTP) of this emulator: one of its host names, whatever the port.
    const url = new URL(audience);
    return (url.protocol === 'https:' || url.protocol === 'http:') && hosts.allowsName(url.hostname.replace(/^\[(.*)\]$/, '$1'));
  } catch {
    return false;
  }
}

export type TokenVerifier = (token: string, request: FastifyRequest) => void;

export function strictTokenVerifier(issuer: TokenIssuer, hosts: HostAllowlist, now: () => number = Date.now): TokenVerifier {
  return (token) => {
    const nowMs = now();
    const check = issuer.check(token, Math.floor(nowMs / 1000));
    if (check.outcome === 'invalid') throw invalidAuthenticationToken();
    if (check.outcome === 'expired') throw expiredAuthenticationToken(new Date(check.expiredAt * 1000), new Date(nowMs));
    const audience = check.claims.aud;
    if (typeof audience !== 'string' || !(ARM_AUDIENCES.includes(audience) || audienceIsOwn(audience, hosts))) {
      throw invalidAuthenticationTokenAudience(String(audience), allowedAudiences(hosts));
    }
  };
}
