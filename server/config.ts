// Every option: a CLI flag with an environment-variable twin (the flag wins) and an embedded
// default that serves the common case. A bad value stops start-up with one clear line.

import { parseArgs } from 'node:util';
import { parseCompletionMode, type CompletionMode } from '../simulator/progress.js';
import type { OverlappingOperations } from './patch-operations.js';
import { AUTH_MODES, type AuthMode } from './identity/auth.js';
import { DEFAULT_CERT_NAMES } from './tls.js';
import { isLoopbackHost } from './admin/guard.js';

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
  completion: CompletionMode;
  clockSpeed: number;
  retryAfter: number | null;
  seedFile: string | undefined;
  journalSize: number;
  overlappingOperations: OverlappingOperations;
  logLevel: string;
  silent: boolean;
  adminKey: string | undefined;
  allowUnguardedAdmin: boolean;
  help: boolean;
  version: boolean;
}

interface OptionSpec {
  flag: string;
  env: string | undefined;
  boolean?: boolean;
  default: string;
  description: string;
}

export const OPTIONS: OptionSpec[] = [
  { flag: 'host', env: 'CPE_HOST', default: '127.0.0.1', description: 'address to listen on' },
  { flag: 'https-port', env: 'CPE_HTTPS_PORT', default: '8443', description: 'HTTPS port (0 picks a free one)' },
  { flag: 'http-port', env: 'CPE_HTTP_PORT', default: '8080', description: 'plain HTTP port (0 picks a free one)' },
  { flag: 'data-dir', env: 'CPE_DATA_DIR', default: '.cpe-data', description: 'folder for the database and the generated certificate' },
  { flag: 'in-memory', env: 'CPE_IN_MEMORY', boolean: true, default: 'false', description: 'keep the database in memory (lost at exit)' },
  { flag: 'cert', env: 'CPE_CERT', default: '', description: 'PEM certificate for HTTPS; without it, one is generated for --cert-names' },
  { flag: 'key', env: 'CPE_KEY', default: '', description: 'PEM private key for --cert' },
  { flag: 'cert-names', env: 'CPE_CERT_NAMES', default: DEFAULT_CERT_NAMES.join(','), description: 'host names and addresses the generated certificate covers, comma-separated' },
  { flag: 'auth', env: 'CPE_AUTH', default: 'any', description: 'bearer tokens: any (any token) | strict (only unexpired tokens the emulator issued)' },
  { flag: 'seed', env: 'CPE_SEED', default: 'compute-patch-emulator', description: 'seed of every simulated draw and id' },
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
  { flag: 'admin-key', env: 'CPE_ADMIN_KEY', default: '', description: "the admin API (/_emulator/, but health) wants the header 'x-admin-key: <key>'" },
  {
    flag: 'allow-unguarded-admin',
    env: 'CPE_ALLOW_UNGUARDED_ADMIN',
    boolean: true,
    default: 'false',
    description: 'allow a non-loopback --host without --admin-key',
  },
  { flag: 'log-level', env: 'CPE_LOG_LEVEL', default: 'info', description: 'fatal | error | warn | info | debug | trace' },
  { flag: 'silent', env: 'CPE_SILENT', boolean: true, default: 'false', description: 'no logs at all' },
  { flag: 'help', env: undefined, boolean: true, default: 'false', description: 'print this help and exit' },
  { flag: 'version', env: undefined, boolean: true, default: 'false', description: 'print the version and exit' },
];

export class ConfigError extends Error {}

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

export function parseConfig(argv: string[], env: NodeJS.ProcessEnv): EmulatorConfig {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: Object.fromEntries(OPTIONS.map((o) => [o.flag, { type: o.boolean ? ('boolean' as const) : ('string' as const) }])),
    });
  } catch (error) {
    throw new ConfigError((error as Error).message.split('\n')[0]!.replace(/^TypeError \[[A-Z_]+\]: /, ''));
  }
  const raw = (flag: string): string => {
    const spec = OPTIONS.find((o) => o.flag === flag)!;
    const value = parsed.values[flag];
    if (value !== undefined) return String(value);
    const fromEnv = spec.env ? env[spec.env] : undefined;
    return fromEnv !== undefined && fromEnv !== '' ? fromEnv : spec.default;
  };

  const completion = parseCompletionMode(raw('completion'));
  if (!completion) throw new ConfigError(`--completion: expected sync, instant, polls:N (1-1000) or time, got '${raw('completion')}'`);
  const clockSpeed = Number(raw('clock-speed'));
  if (!Number.isFinite(clockSpeed) || clockSpeed <= 0 || clockSpeed > 1e9) {
    throw new ConfigError(`--clock-speed: expected a positive number, got '${raw('clock-speed')}'`);
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

  return {
    host,
    httpsPort,
    httpPort,
    dataDir: raw('data-dir'),
    inMemory: booleanValue('in-memory', raw('in-memory')),
    cert,
    key,
    certNames,
    auth: auth as AuthMode,
    seed: raw('seed'),
    completion,
    clockSpeed,
    retryAfter,
    seedFile: raw('seed-file') || undefined,
    journalSize: Number(journalText),
    overlappingOperations: overlapping,
    logLevel,
    silent: booleanValue('silent', raw('silent')),
    adminKey,
    allowUnguardedAdmin,
    help: booleanValue('help', raw('help')),
    version: booleanValue('version', raw('version')),
  };
}

export function helpText(): string {
  const rows = OPTIONS.map((o) => {
    const name = `--${o.flag}${o.boolean ? '' : ' <value>'}`;
    const env = o.env ? `${o.env}` : '';
    const def = o.env === undefined ? '' : ` (default: ${o.default === '' ? 'none' : o.default})`;
    return `  ${name.padEnd(34)} ${env.padEnd(28)} ${o.description}${def}`;
  });
  return ['Usage: compute-patch-emulator [options]', '', '  option                             environment                  meaning', ...rows, ''].join('\n');
}
