// Every option: a CLI flag with an environment-variable twin (the flag wins) and an embedded
// default that serves the common case. A bad value stops start-up with one clear line.

import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { MAX_CLOCK_SPEED } from '../simulator/clock.js';
import { parseCompletionMode, type CompletionMode } from '../simulator/progress.js';
import type { OverlappingOperations } from './operations/patch-operations.js';
import { AUTH_MODES, type AuthMode } from './identity/auth.js';
import { DEFAULT_CERT_NAMES } from './tls.js';
import { isLoopbackHost } from './hosts.js';
import { API_VERSION_POLICIES, type ApiVersionPolicy } from './arm/pipeline.js';
import { RATE_LIMIT_MODES, type RateLimitMode } from './arm/rate-limits.js';
import { ConfigError } from './config-error.js';

export interface EmulatorConfig {
  host: string;
  httpsPort: number;
  httpPort: number;
  dataDir: string;
  inMemory: boolean;
  cert: string | undefined;
  key: string | undefined;
  certNames: string[];
  auth: AuthMode;
  seed: string;
  /** --seed (or CPE_SEED) was given: operation ids are then the seed's alone (server/ids.ts). */
  seedExplicit: boolean;
  completion: CompletionMode;
  clockSpeed: number;
  retryAfter: number | null;
  seedFile: string | undefined;
  journalSize: number;
  overlappingOperations: OverlappingOperations;
  operationRetention: number;
  logLevel: string;
  silent: boolean;
  adminKey: string | undefined;
  allowUnguardedAdmin: boolean;
  subscriptions: string[];
  rateLimits: RateLimitMode;
  apiVersions: ApiVersionPolicy;
  /** Host names served besides loopback names, addresses and --cert-names (server/hosts.ts). */
  allowedHosts: string[];
  /** Seconds a client has to send its whole request, its headers, and between requests on a kept-alive connection. */
  requestTimeout: number;
  headersTimeout: number;
  keepAliveTimeout: number;
  /** Seconds a shutdown waits for answers in progress before it cuts the connections still open. */
  shutdownGrace: number;
  /** Open connections per listener; 0 for no limit. */
  maxConnections: number;
  /** Start even when the database fails its integrity checks (server/store/database.ts). */
  allowDamagedDatabase: boolean;
  help: boolean;
  version: boolean;
}

interface OptionSpec {
  flag: string;
  env: string | undefined;
  boolean?: boolean;
  /** May be given more than once; its environment twin is comma-separated. */
  multiple?: boolean;
  default: string;
  /** How --help states a default that depends on where the emulator runs. */
  defaultText?: string;
  description: string;
}

export const OPTIONS: OptionSpec[] = [
  { flag: 'host', env: 'CPE_HOST', default: '127.0.0.1', description: 'address to listen on' },
  { flag: 'https-port', env: 'CPE_HTTPS_PORT', default: '8443', description: 'HTTPS port (0 picks a free one)' },
  { flag: 'http-port', env: 'CPE_HTTP_PORT', default: '8080', description: 'plain HTTP port (0 picks a free one)' },
  {
    flag: 'data-dir',
    env: 'CPE_DATA_DIR',
    default: '',
    defaultText: './.cpe-data in a folder with a package.json, else ~/.local/share/compute-patch-emulator or $XDG_DATA_HOME/compute-patch-emulator',
    description: 'folder for the database, the generated certificate and the token-signing key',
  },
  { flag: 'in-memory', env: 'CPE_IN_MEMORY', boolean: true, default: 'false', description: 'keep the database in memory (lost at exit)' },
  { flag: 'cert', env: 'CPE_CERT', default: '', description: 'PEM certificate for HTTPS; without it, one is generated for --cert-names' },
  { flag: 'key', env: 'CPE_KEY', default: '', description: 'PEM private key for --cert' },
  { flag: 'cert-names', env: 'CPE_CERT_NAMES', default: DEFAULT_CERT_NAMES.join(','), description: 'host names and addresses the generated certificate covers, comma-separated' },
  { flag: 'auth', env: 'CPE_AUTH', default: 'any', description: 'bearer tokens: any (any token) | strict (only unexpired tokens the emulator issued)' },
  { flag: 'seed', env: 'CPE_SEED', default: 'compute-patch-emulator', description: 'seed of every simulated draw; given, operation ids are its alone (repeatable runs), else they also mix a secret salt' },
  { flag: 'completion', env: 'CPE_COMPLETION', default: 'time', description: 'when operations finish: sync | instant | polls:N | time' },
  { flag: 'clock-speed', env: 'CPE_CLOCK_SPEED', default: '3600', description: 'simulated seconds per wall-clock second' },
  { flag: 'retry-after', env: 'CPE_RETRY_AFTER', default: '1', description: "Retry-After seconds on 202s and running polls, or 'none'" },
  { flag: 'seed-file', env: 'CPE_SEED_FILE', default: '', description: 'JSON loaded into a new database: a seed like data/seed.json, or a GET /_emulator/state document' },
  { flag: 'journal-size', env: 'CPE_JOURNAL_SIZE', default: '1000', description: 'how many requests GET /_emulator/requests keeps' },
  {
    flag: 'overlapping-operations',
    env: 'CPE_OVERLAPPING_OPERATIONS',
    default: 'supersede',
    description: 'a patch operation on a VM busy with one: supersede (the running one fails) | reject (409)',
  },
  {
    flag: 'operation-retention',
    env: 'CPE_OPERATION_RETENTION',
    default: '1000',
    description: "finished operations kept per VM (its latest install and assessment always); 0 keeps all",
  },
  { flag: 'admin-key', env: 'CPE_ADMIN_KEY', default: '', description: "the admin API (/_emulator/, but health) wants the header 'x-admin-key: <key>'" },
  {
    flag: 'allow-unguarded-admin',
    env: 'CPE_ALLOW_UNGUARDED_ADMIN',
    boolean: true,
    default: 'false',
    description: 'allow a non-loopback --host without --admin-key',
  },
  {
    flag: 'subscription',
    env: 'CPE_SUBSCRIPTION',
    multiple: true,
    default: '',
    description: 'a subscription id the emulator knows besides the seed\'s (repeatable; the variable takes a comma-separated list)',
  },
  { flag: 'rate-limits', env: 'CPE_RATE_LIMITS', default: 'report', description: 'ARM/CRP request budgets: report (headers only) | enforce (429 with Retry-After when spent)' },
  { flag: 'api-versions', env: 'CPE_API_VERSIONS', default: 'lenient', description: 'api-versions newer than the emulator knows: lenient (served as the newest) | strict (refused as ARM does)' },
  {
    flag: 'allowed-host',
    env: 'CPE_ALLOWED_HOSTS',
    multiple: true,
    default: '',
    description: "a host name clients use besides localhost, addresses and --cert-names; repeatable ('*.example.test'; '*': any name without a dot)",
  },
  { flag: 'request-timeout', env: 'CPE_REQUEST_TIMEOUT', default: '30', description: 'seconds a client has to send a whole request' },
  { flag: 'headers-timeout', env: 'CPE_HEADERS_TIMEOUT', default: '10', description: "seconds a client has to send a request's headers" },
  { flag: 'keep-alive-timeout', env: 'CPE_KEEP_ALIVE_TIMEOUT', default: '5', description: 'seconds an idle kept-alive connection stays open' },
  { flag: 'shutdown-grace', env: 'CPE_SHUTDOWN_GRACE', default: '5', description: 'seconds a shutdown waits for answers in progress before it closes the connections still open' },
  { flag: 'max-connections', env: 'CPE_MAX_CONNECTIONS', default: '0', description: 'open connections per listener, beyond which new ones are closed (0: no limit)' },
  {
    flag: 'allow-damaged-database',
    env: 'CPE_ALLOW_DAMAGED_DATABASE',
    boolean: true,
    default: 'false',
    description: 'start even on a database that fails its integrity checks (health says Degraded; unreadable rows answer 500)',
  },
  { flag: 'log-level', env: 'CPE_LOG_LEVEL', default: 'info', description: 'fatal | error | warn | info | debug | trace' },
  { flag: 'silent', env: 'CPE_SILENT', boolean: true, default: 'false', description: 'no logs at all' },
  { flag: 'help', env: undefined, boolean: true, default: 'false', description: 'print this help and exit' },
  { flag: 'version', env: undefined, boolean: true, default: 'false', description: 'print the version and exit' },
];

export { ConfigError };

export const PROJECT_DATA_DIR = '.cpe-data';
const APP_NAME = 'compute-patch-emulator';

export interface Place {
  cwd: string;
  env: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  home?: string;
}

/**
 * The data folder when none is given: `./.cpe-data` in a project folder (one with a package.json,
 * such as a clone of this repository, or one that has a .cpe-data already), else a per-user folder,
 * where installed tools keep their data: $XDG_DATA_HOME (default ~/.local/share) on Linux
 * (https://specifications.freedesktop.org/basedir-spec/latest/), ~/Library/Application Support on
 * macOS, %LOCALAPPDATA% on Windows.
 */
export function defaultDataDir(place: Place): string {
  if (existsSync(join(place.cwd, 'package.json')) || existsSync(join(place.cwd, PROJECT_DATA_DIR))) return join(place.cwd, PROJECT_DATA_DIR);
  const home = place.home ?? homedir();
  const platform = place.platform ?? process.platform;
  if (platform === 'win32') return join(place.env.LOCALAPPDATA || join(home, 'AppData', 'Local'), APP_NAME);
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', APP_NAME);
  // The spec says a relative XDG_DATA_HOME is to be ignored.
  const xdg = place.env.XDG_DATA_HOME;
  return join(xdg && xdg.startsWith('/') ? xdg : join(home, '.local', 'share'), APP_NAME);
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function booleanValue(flag: string, text: string): boolean {
  if (/^(1|true|yes|on)$/i.test(text)) return true;
  if (/^(0|false|no|off)$/i.test(text)) return false;
  throw new ConfigError(`--${flag}: expected true or false, got '${text}'`);
}

function portValue(flag: string, text: string): number {
  const port = Number(text);
  if (!/^\d{1,5}$/.test(text) || port > 65535) throw new ConfigError(`--${flag}: expected a port number from 0 to 65535, got '${text}'`);
  return port;
}

export function parseConfig(argv: string[], env: NodeJS.ProcessEnv, cwd = process.cwd()): EmulatorConfig {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: Object.fromEntries(OPTIONS.map((o) => [o.flag, { type: o.boolean ? ('boolean' as const) : ('string' as const), multiple: o.multiple === true }])),
    });
  } catch (error) {
    throw new ConfigError((error as Error).message.split('\n')[0]!.replace(/^TypeError \[[A-Z_]+\]: /, ''));
  }
  const raw = (flag: string): string => {
    const spec = OPTIONS.find((o) => o.flag === flag)!;
    const value = parsed.values[flag];
    if (Array.isArray(value)) return value.join(',');
    if (value !== undefined) return String(value);
    const fromEnv = spec.env ? env[spec.env] : undefined;
    return fromEnv !== undefined && fromEnv !== '' ? fromEnv : spec.default;
  };

  /** A repeatable option: every flag given, else its environment twin split at commas. */
  const list = (flag: string): string[] => {
    const given = parsed.values[flag];
    const spec = OPTIONS.find((o) => o.flag === flag)!;
    const values = Array.isArray(given) ? given.map(String) : (spec.env ? (env[spec.env] ?? '') : '').split(',');
    return values.map((value) => value.trim()).filter((value) => value !== '');
  };
  const seconds = (flag: string, min: number, max: number): number => {
    const text = raw(flag);
    if (!/^\d{1,6}$/.test(text) || Number(text) < min || Number(text) > max) throw new ConfigError(`--${flag}: expected whole seconds from ${min} to ${max}, got '${text}'`);
    return Number(text);
  };

  const completion = parseCompletionMode(raw('completion'));
  if (!completion) throw new ConfigError(`--completion: expected sync, instant, polls:N (1-1000) or time, got '${raw('completion')}'`);
  const clockSpeed = Number(raw('clock-speed'));
  if (!Number.isFinite(clockSpeed) || clockSpeed <= 0 || clockSpeed > MAX_CLOCK_SPEED) {
    throw new ConfigError(`--clock-speed: expected a positive number up to ${MAX_CLOCK_SPEED}, got '${raw('clock-speed')}'`);
  }
  const retryText = raw('retry-after');
  let retryAfter: number | null = null;
  if (retryText.toLowerCase() !== 'none') {
    if (!/^\d{1,4}$/.test(retryText)) throw new ConfigError(`--retry-after: expected whole seconds (0-9999) or 'none', got '${retryText}'`);
    retryAfter = Number(retryText);
  }
  const overlapping = raw('overlapping-operations').toLowerCase();
  if (overlapping !== 'supersede' && overlapping !== 'reject') {
    throw new ConfigError(`--overlapping-operations: expected supersede or reject, got '${raw('overlapping-operations')}'`);
  }
  const retentionText = raw('operation-retention');
  if (!/^\d{1,9}$/.test(retentionText)) throw new ConfigError(`--operation-retention: expected a whole number (0 keeps all), got '${retentionText}'`);
  const logLevel = raw('log-level').toLowerCase();
  if (!LOG_LEVELS.includes(logLevel)) throw new ConfigError(`--log-level: expected one of ${LOG_LEVELS.join(', ')}, got '${raw('log-level')}'`);
  const cert = raw('cert') || undefined;
  const key = raw('key') || undefined;
  if ((cert === undefined) !== (key === undefined)) throw new ConfigError('--cert and --key go together: give both or neither');
  const httpsPort = portValue('https-port', raw('https-port'));
  const httpPort = portValue('http-port', raw('http-port'));
  if (httpsPort !== 0 && httpsPort === httpPort) throw new ConfigError(`--https-port and --http-port are both ${httpsPort}`);
  const journalText = raw('journal-size');
  if (!/^\d{1,6}$/.test(journalText) || Number(journalText) < 1) throw new ConfigError(`--journal-size: expected a whole number from 1 to 999999, got '${journalText}'`);
  const certNames = raw('cert-names').split(',').map((name) => name.trim()).filter((name) => name !== '');
  if (certNames.length === 0) throw new ConfigError('--cert-names: expected at least one host name or address');
  const badName = certNames.find((name) => !/^[A-Za-z0-9.*:-]+$/.test(name));
  if (badName !== undefined) throw new ConfigError(`--cert-names: '${badName}' is not a host name or an IP address`);
  const allowedHosts = list('allowed-host');
  const badHost = allowedHosts.find((name) => !/^(\*\.)?[A-Za-z0-9_.:-]+$|^\*$/.test(name));
  if (badHost !== undefined) throw new ConfigError(`--allowed-host: '${badHost}' is not a host name (a leading '*.' or a lone '*' is allowed)`);
  const requestTimeout = seconds('request-timeout', 1, 3600);
  const headersTimeout = seconds('headers-timeout', 1, 3600);
  if (headersTimeout > requestTimeout) throw new ConfigError(`--headers-timeout (${headersTimeout}) cannot be longer than --request-timeout (${requestTimeout})`);
  const keepAliveTimeout = seconds('keep-alive-timeout', 1, 3600);
  const shutdownGrace = seconds('shutdown-grace', 0, 600);
  const maxConnectionsText = raw('max-connections');
  if (!/^\d{1,6}$/.test(maxConnectionsText)) throw new ConfigError(`--max-connections: expected a whole number (0 for no limit), got '${maxConnectionsText}'`);
  const auth = raw('auth').toLowerCase();
  if (!(AUTH_MODES as readonly string[]).includes(auth)) throw new ConfigError(`--auth: expected ${AUTH_MODES.join(' or ')}, got '${raw('auth')}'`);
  const host = raw('host');
  if (host.trim() === '') throw new ConfigError('--host: expected an address');
  // The admin API can reset and rewrite everything: open only to this machine unless guarded.
  const adminKey = raw('admin-key') || undefined;
  const allowUnguardedAdmin = booleanValue('allow-unguarded-admin', raw('allow-unguarded-admin'));
  if (!isLoopbackHost(host) && adminKey === undefined && !allowUnguardedAdmin) {
    throw new ConfigError(`--host ${host} is not a loopback address: give --admin-key, or --allow-unguarded-admin to open the admin API to the network`);
  }

  const subscriptions = raw('subscription').split(',').map((id) => id.trim()).filter((id) => id !== '');
  const badSubscription = subscriptions.find((id) => !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id));
  if (badSubscription !== undefined) throw new ConfigError(`--subscription: '${badSubscription}' is not a subscription id (a GUID)`);
  const rateLimits = raw('rate-limits').toLowerCase();
  if (!(RATE_LIMIT_MODES as readonly string[]).includes(rateLimits)) throw new ConfigError(`--rate-limits: expected report or enforce, got '${raw('rate-limits')}'`);
  const apiVersions = raw('api-versions').toLowerCase();
  if (!(API_VERSION_POLICIES as readonly string[]).includes(apiVersions)) throw new ConfigError(`--api-versions: expected lenient or strict, got '${raw('api-versions')}'`);

  return {
    host,
    httpsPort,
    httpPort,
    dataDir: resolve(cwd, raw('data-dir') || defaultDataDir({ cwd, env })),
    inMemory: booleanValue('in-memory', raw('in-memory')),
    cert,
    key,
    certNames,
    auth: auth as AuthMode,
    seed: raw('seed'),
    seedExplicit: parsed.values.seed !== undefined || (env.CPE_SEED ?? '') !== '',
    completion,
    clockSpeed,
    retryAfter,
    seedFile: raw('seed-file') || undefined,
    journalSize: Number(journalText),
    overlappingOperations: overlapping,
    operationRetention: Number(retentionText),
    logLevel,
    silent: booleanValue('silent', raw('silent')),
    adminKey,
    allowUnguardedAdmin,
    subscriptions: subscriptions.map((id) => id.toLowerCase()),
    rateLimits: rateLimits as RateLimitMode,
    apiVersions: apiVersions as ApiVersionPolicy,
    allowedHosts,
    requestTimeout,
    headersTimeout,
    keepAliveTimeout,
    shutdownGrace,
    maxConnections: Number(maxConnectionsText),
    allowDamagedDatabase: booleanValue('allow-damaged-database', raw('allow-damaged-database')),
    help: booleanValue('help', raw('help')),
    version: booleanValue('version', raw('version')),
  };
}

export function helpText(): string {
  const rows = OPTIONS.map((o) => {
    const name = `--${o.flag}${o.boolean ? '' : ' <value>'}${o.multiple ? ' ...' : ''}`;
    const env = o.env ? `${o.env}` : '';
    const def = o.env === undefined ? '' : ` (default: ${o.defaultText ?? (o.default === '' ? 'none' : o.default)})`;
    return `  ${name.padEnd(34)} ${env.padEnd(28)} ${o.description}${def}`;
  });
  return ['Usage: compute-patch-emulator [options]', '', '  option                             environment                  meaning', ...rows, ''].join('\n');
}
