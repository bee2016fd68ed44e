// Run by the client tests (test/clients/lib.sh, `print_journal`): reads the emulator's request
// journal (GET /_emulator/requests) and prints what the client sent, one line per kind of request
// (method, path with ids folded, api-version, status, count), then the User-Agents seen. So each
// client test shows the api-version its SDK put on the wire, as the emulator received it.
// Exits 1 when any request was answered with a 5xx: never an acceptable answer to a client.
// Usage: node dist/test/clients/journal.js http://localhost:<http-port>

interface Entry {
  method: string;
  url: string;
  status: number;
  headers: Record<string, string>;
}

const base = process.argv[2];
if (!base) throw new Error('usage: journal.js <emulator http url>');
const response = await fetch(`${base}/_emulator/requests`);
if (!response.ok) throw new Error(`GET /_emulator/requests answered ${response.status}`);
const { value } = (await response.json()) as { value: Entry[] };

const GUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
const kinds = new Map<string, number>();
const agents = new Set<string>();
for (const entry of value) {
  const url = new URL(entry.url, 'https://emulator');
  const apiVersion = url.searchParams.get('api-version');
  const monitor = url.searchParams.get('monitor') === 'true' ? ' (monitor)' : '';
  const kind = `${entry.method} ${url.pathname.replace(GUID, '{id}')}${monitor}${apiVersion ? ` api-version=${apiVersion}` : ''} -> ${entry.status}`;
  kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
  if (entry.headers['user-agent']) agents.add(entry.headers['user-agent']);
}
for (const [kind, count] of kinds) console.log(`${kind}${count > 1 ? ` (x${count})` : ''}`);
for (const agent of agents) console.log(`User-Agent: ${agent}`);
const serverErrors = value.filter((entry) => entry.status >= 500);
if (serverErrors.length > 0) {
  console.log(`${serverErrors.length} request(s) answered with a 5xx`);
  process.exit(1);
}
