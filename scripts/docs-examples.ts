// Runs the README's examples against a freshly started emulator and writes (--write) or checks
// (--check) the output shown under each one, so that every output the README shows is what the
// current release answers.
//
// Lives in scripts/: it is a maintainer's tool for the documentation, run by `npm run docs:examples`
// (regenerate) and `npm run docs:check` (.ci/run, and test/process/docs-examples.test.ts); it is
// neither a test of the emulator's behaviour (test/) nor a measurement (bench/), and it is not part
// of the installed package.
//
// In the README an example is marked like this (the markers are HTML comments, invisible on GitHub):
//
//   <!-- example: NAME [| before: METHOD /_emulator/PATH [JSON]] -->
//   ```sh
//   curl -s http://127.0.0.1:8080/_emulator/health
//   ```
//   <!-- output -->
//   ```json
//   {"status":"Healthy",...}
//   ```
//   <!-- end example -->
//
// `sh` blocks run in a POSIX shell, `js` blocks as an ES module with node (NODE_EXTRA_CA_CERTS set
// as the README says), in a project folder whose .cpe-data is the emulator's data folder. The
// example named `start` has no command: its output is the emulator's own start-up lines. `before`
// is a call to the admin API made first (a reset, freezing or advancing the clock), so that the
// outputs do not depend on how fast the machine is. The emulator listens on free ports; the
// examples' 8443 and 8080 are rewritten to them, and back in the outputs. Ids are the same on every
// fresh start (the default seed); what is compared leaves out what differs from run to run:
// timestamps, correlation ids and the uptime. A line longer than LINE_LIMIT is shown cut, ending in
// " …", and compared up to the cut.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const README = join(ROOT, 'README.md');
const CLI = join(ROOT, 'dist', 'server', 'cli.js');
/** How the README names the project folder in outputs (the examples run in a temporary one). */
const SHOWN_PROJECT = '/home/me/project';
const LINE_LIMIT = 320;
const ELLIPSIS = ' …';
const EXAMPLE_LIMIT_MS = 60_000;

interface Example {
  name: string;
  before: { method: string; path: string; body: unknown } | undefined;
  language: string;
  code: string;
  /** The output block as it stands: its fence language and text, and where it is in the README. */
  outputLanguage: string;
  output: string;
  outputStart: number;
  outputEnd: number;
}

const MARKER = /<!-- example: ([\w-]+)(?: \| before: (GET|POST|PUT|DELETE) (\/_emulator\/[\w/-]*)(?: (\{.*?\}))?)? -->\n```(\w*)\n([\s\S]*?)```\n<!-- output -->\n```(\w*)\n([\s\S]*?)```\n<!-- end example -->/g;

function parse(readme: string): Example[] {
  const examples: Example[] = [];
  for (const match of readme.matchAll(MARKER)) {
    const [whole, name, method, path, body, language, code, outputLanguage, output] = match as unknown as string[];
    const outputFence = whole!.lastIndexOf('<!-- output -->\n```') + '<!-- output -->\n```'.length + outputLanguage!.length + 1;
    examples.push({
      name: name!,
      before: method ? { method, path: path!, body: body ? JSON.parse(body) : undefined } : undefined,
      language: language!,
      code: code!,
      outputLanguage: outputLanguage!,
      output: output!,
      outputStart: match.index! + outputFence,
      outputEnd: match.index! + outputFence + output!.length,
    });
  }
  return examples;
}

/** What may differ between two runs of the same example on a fresh emulator. */
function normalise(text: string): string {
  return text
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?/g, '<time>')
    .replace(/\d{8}T\d{6}Z/g, '<time>')
    .replace(/[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d GMT/g, '<time>')
    .replace(/(correlation-request-id: |<time>:)[0-9a-f-]{36}/gi, '$1<id>')
    .replace(/"uptimeSeconds":\d+/g, '"uptimeSeconds":<n>');
}

/** A line over LINE_LIMIT is cut (at a character boundary) and marked. */
function shown(text: string): string {
  return text
    .split('\n')
    .map((line) => ([...line].length > LINE_LIMIT ? [...line].slice(0, LINE_LIMIT).join('') + ELLIPSIS : line))
    .join('\n');
}

/** Whether the shown output is the actual one, up to the run-to-run differences and the cuts. */
function matches(shownText: string, actual: string): boolean {
  const wanted = normalise(shownText).split('\n');
  const got = normalise(actual).split('\n');
  if (wanted.length !== got.length) return false;
  return wanted.every((line, i) => {
    if (!line.endsWith(ELLIPSIS)) return line === got[i];
    // A cut line: compared up to its last comma or space, since the cut may split a timestamp.
    const prefix = line.slice(0, -ELLIPSIS.length);
    return got[i]!.startsWith(prefix.slice(0, Math.max(prefix.lastIndexOf(','), prefix.lastIndexOf(' '))));
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

function run(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), EXAMPLE_LIMIT_MS);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

interface Emulator {
  child: ChildProcess;
  startup: string;
  httpsPort: number;
  httpPort: number;
}

async function startEmulator(project: string): Promise<Emulator> {
  const httpsPort = await freePort();
  const httpPort = await freePort();
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('CPE_')));
  // The README's `npm start`, on ports of its own; logs off so that stdout is the start-up lines. The
  // default seed given explicitly, so that operation ids are the seed's alone and the README's
  // operation URLs are the same in every run (without --seed, each data folder salts them).
  const child = spawn(process.execPath, [CLI, '--https-port', String(httpsPort), '--http-port', String(httpPort), '--seed', 'compute-patch-emulator', '--silent'], { cwd: project, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const startup = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`the emulator did not start: ${out}`)), EXAMPLE_LIMIT_MS);
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (/^ {2}trust .*\n/m.test(out)) {
        clearTimeout(timer);
        resolve(out);
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`the emulator exited with ${code}: ${out}`)));
  });
  return { child, startup, httpsPort, httpPort };
}

export interface ExampleReport {
  name: string;
  ok: boolean;
  shown: string;
  actual: string;
}

/** Runs every example; with `write`, puts each actual output into the README. */
export async function runExamples(options: { write: boolean; readme?: string }): Promise<ExampleReport[]> {
  const readmePath = options.readme ?? README;
  const readme = readFileSync(readmePath, 'utf8');
  const examples = parse(readme);
  if (examples.length === 0) throw new Error(`${readmePath}: no examples found`);
  const work = mkdtempSync(join(tmpdir(), 'cpe-docs-'));
  const project = join(work, 'project');
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), '{"type": "module"}\n');
  // Example programs import the project's own dependencies (@azure/arm-compute, @azure/identity).
  const emulator = await startEmulator(project);
  const toLocal = (text: string) => text.replaceAll(':8443', `:${emulator.httpsPort}`).replaceAll(':8080', `:${emulator.httpPort}`);
  const toShown = (text: string) =>
    text.replaceAll(`:${emulator.httpsPort}`, ':8443').replaceAll(`:${emulator.httpPort}`, ':8080').replaceAll(project, SHOWN_PROJECT);
  const env = {
    ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(CPE_|NODE_OPTIONS$|NODE_EXTRA_CA_CERTS$)/.test(name))),
    NODE_EXTRA_CA_CERTS: join(project, '.cpe-data', 'tls', 'cert.pem'),
  };
  const reports: ExampleReport[] = [];
  try {
    for (const example of examples) {
      if (example.before) {
        const response = await fetch(`http://127.0.0.1:${emulator.httpPort}${example.before.path}`, {
          method: example.before.method,
          ...(example.before.body === undefined ? {} : { body: JSON.stringify(example.before.body), headers: { 'content-type': 'application/json' } }),
        });
        if (!response.ok) throw new Error(`${example.name}: before ${example.before.method} ${example.before.path}: ${response.status}`);
      }
      let actual: string;
      if (example.name === 'start') {
        actual = emulator.startup;
      } else if (example.language === 'sh') {
        const result = await run('/bin/sh', ['-c', toLocal(example.code)], { cwd: project, env });
        if (result.code !== 0) throw new Error(`${example.name}: exit status ${result.code}: ${result.stderr}`);
        actual = result.stdout.replace(/\r\n/g, '\n');
      } else if (example.language === 'js') {
        // Inside the project folder, so that its imports resolve from this repository's node_modules.
        const file = join(ROOT, `.docs-example-${example.name}.mjs`);
        writeFileSync(file, toLocal(example.code));
        try {
          const result = await run(process.execPath, [file], { cwd: project, env });
          if (result.code !== 0) throw new Error(`${example.name}: exit status ${result.code}: ${result.stderr}`);
          actual = result.stdout;
        } finally {
          rmSync(file, { force: true });
        }
      } else {
        throw new Error(`${example.name}: no way to run a '${example.language}' block`);
      }
      actual = toShown(actual).replace(/\n*$/, '\n');
      reports.push({ name: example.name, ok: matches(example.output, actual), shown: example.output, actual: shown(actual) });
    }
  } finally {
    emulator.child.kill('SIGTERM');
    await new Promise((done) => emulator.child.once('exit', done));
    rmSync(work, { recursive: true, force: true });
  }
  if (options.write) {
    let text = readme;
    // From the end, so the earlier positions stay right.
    for (let i = examples.length - 1; i >= 0; i--) {
      const example = examples[i]!;
      text = text.slice(0, example.outputStart) + reports[i]!.actual + text.slice(example.outputEnd);
    }
    writeFileSync(readmePath, text);
  }
  return reports;
}

const invokedDirectly = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1];
if (invokedDirectly) {
  const write = process.argv.includes('--write');
  if (!write && !process.argv.includes('--check')) {
    process.stderr.write('usage: node dist/scripts/docs-examples.js --write | --check\n');
    process.exit(2);
  }
  const reports = await runExamples({ write });
  for (const report of reports) {
    process.stdout.write(`${report.ok ? 'ok' : write ? 'updated' : 'DIFFERS'}  ${report.name}\n`);
    if (!report.ok && !write) process.stdout.write(`--- README shows\n${report.shown}--- the emulator answers\n${report.actual}\n`);
  }
  const differing = reports.filter((report) => !report.ok).length;
  process.stdout.write(`${reports.length} examples, ${differing} ${write ? 'updated' : 'differ'}\n`);
  if (differing > 0 && !write) process.exit(1);
}
