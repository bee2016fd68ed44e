// The host names the emulator answers to (docs/reliability.md). A web page can point a name it
// controls at 127.0.0.1 (DNS rebinding) and then read whatever the emulator answers it, so a request
// whose Host is not one of the emulator's own names is refused before any route sees it, and the
// URLs the emulator hands out (Location, Azure-AsyncOperation) are built from a checked Host.
//
// Always allowed: IP addresses (a page cannot rebind an address), `localhost` and `*.localhost`
// (https://www.rfc-editor.org/rfc/rfc6761#section-6.3), and this machine's host name. Also allowed:
// the names the configuration gives (--cert-names, --host, --allowed-host), where `*` stands for one
// label as in a certificate's wildcard: `*.example.test` allows `a.example.test`, and `*` alone any
// single-label name (a container or compose service name, which public DNS cannot serve).

import { isIP } from 'node:net';
import { hostname } from 'node:os';
import type { FastifyInstance } from 'fastify';
import { ArmError } from './arm/errors.js';

/** HTTP.sys's answer for a Host it does not serve ("HTTP Error 400. The request hostname is invalid."). */
export const hostnameInvalid = () => new ArmError(400, 'BadRequest', 'The request hostname is invalid.');

/** `name[:port]`, `[v6]:port` or `v6` -> the name in lower case, without a trailing dot; undefined when malformed. */
export function hostNameOf(hostHeader: string): string | undefined {
  const text = hostHeader.trim().toLowerCase();
  const bracketed = /^\[([0-9a-f:.]+)\](?::(\d{1,5}))?$/.exec(text);
  if (bracketed) return isIP(bracketed[1]!) === 6 ? bracketed[1] : undefined;
  if (isIP(text) === 6) return text;
  const plain = /^([a-z0-9_.-]+?)\.?(?::(\d{1,5}))?$/.exec(text);
  return plain?.[1];
}

const labelsMatch = (pattern: string, name: string) => {
  const want = pattern.split('.');
  const have = name.split('.');
  return want.length === have.length && want.every((label, i) => label === '*' || label === have[i]);
};

const HOST_DECISIONS_LIMIT = 256;

export class HostAllowlist {
  private readonly patterns: string[];
  private readonly decisions = new Map<string, boolean>();

  constructor(names: readonly string[]) {
    const own = hostname().toLowerCase();
    this.patterns = [...new Set(['localhost', '*.localhost', own, ...names.map((n) => n.trim().toLowerCase().replace(/\.$/, ''))])].filter(
      (n) => n !== '' && n !== '0.0.0.0' && n !== '::',
    );
  }

  /** The configured names (wildcards left out), e.g. for the audiences strict auth names. */
  names(): string[] {
    return this.patterns.filter((pattern) => !pattern.includes('*'));
  }

  allowsName(name: string): boolean {
    if (isIP(name) !== 0) return true;
    return this.patterns.some((pattern) => labelsMatch(pattern, name));
  }

  /** A Host header value; an absent one is for the caller to judge (HTTP/1.0 needs none). */
  allows(hostHeader: string): boolean {
    // A client sends the same Host on every request, and judging one runs Node's IPv6 pattern:
    // answers are kept, at most HOST_DECISIONS_LIMIT of them (started again when full).
    let allowed = this.decisions.get(hostHeader);
    if (allowed === undefined) {
      const name = hostNameOf(hostHeader);
      allowed = name !== undefined && this.allowsName(name);
      if (this.decisions.size >= HOST_DECISIONS_LIMIT) this.decisions.clear();
      this.decisions.set(hostHeader, allowed);
    }
    return allowed;
  }
}

/**
 * Refuses, before routing goes further, a request whose Host is not the emulator's, and an HTTP/1.1
 * request without one (RFC 9112 section 3.2: "A server MUST respond with a 400 ... to any HTTP/1.1
 * request message that lacks a Host header field"), both as CloudErrors.
 */
export function registerHostCheck(app: FastifyInstance, hosts: HostAllowlist): void {
  // A callback hook: it runs on every request.
  app.addHook('onRequest', (request, _reply, done) => {
    const host = request.headers.host;
    if (host === undefined || host === '') return done(request.raw.httpVersion === '1.0' ? undefined : hostnameInvalid());
    done(Array.isArray(host) || !hosts.allows(host) ? hostnameInvalid() : undefined);
  });
}

/** 127.0.0.0/8, ::1 (and ::ffff:127.x) and the name localhost. */
export function isLoopbackHost(host: string): boolean {
  const name = host.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (name === 'localhost') return true;
  if (isIP(name) === 4) return name.startsWith('127.');
  if (isIP(name) === 6) return name === '::1' || /^::ffff:127\./.test(name) || /^(0{1,4}:){7}0{0,3}1$/.test(name);
  return false;
}
