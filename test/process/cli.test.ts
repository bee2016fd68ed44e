// The command line as a user meets it, in a spawned process: help, version, refusals with exit
// status 2, one JSON log line per request when stdout is not a terminal, clean shutdown on signals.

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { defaultDataDir, OPTIONS, parseConfig } from '../../server/config.js';
import { tempDir } from '../helpers.js';
import { CLI_PATH, cleanEnv, runNode, startCli, stop } from '../process-harness.js';

const packageVersion = (JSON.parse(readFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'package.json'), 'utf8')) as { version: string }).version;

t.test('--help lists every option with its environment twin and default', async (t) => {
  const result = await runNode(CLI_PATH, ['--help'], cleanEnv({}));
  t.equal(result.code, 0);
  for (const option of OPTIONS) {
    const line = result.stdout.split('\n').find((l) => l.trimStart().startsWith(`--${option.flag} `) || l.trim() === `--${option.flag}`);
    t.ok(line, `--${option.flag} is listed`);
    if (option.env) {
      t.match(line, option.env, `--${option.flag} names ${option.env}`);
      t.match(line, /\(default: [^)]*\)$/, `--${option.flag} gives its default`);
    }
  }
});

t.test('--version prints the package version', async (t) => {
  const result = await runNode(CLI_PATH, ['--version'], cleanEnv({}));
  t.equal(result.code, 0);
  t.equal(result.stdout, `${packageVersion}\n`);
});

t.test('an unknown flag or a bad value stops with one clear line and status 2', async (t) => {
  const cases: Array<[string[], NodeJS.ProcessEnv, RegExp]> = [
    [['--bogus'], {}, /^compute-patch-emulator: Unknown option '--bogus'/],
    [['--auth', 'maybe'], {}, /^compute-patch-emulator: --auth: expected any or strict, got 'maybe'/],
    [['--https-port', '70000'], {}, /^compute-patch-emulator: --https-port: expected a port number/],
    [[], { CPE_COMPLETION: 'sometimes' }, /^compute-patch-emulator: --completion: /],
    [['stray'], {}, /^compute-patch-emulator: Unexpected argument 'stray'/],
  ];
  for (const [args, env, message] of cases) {
    const result = await runNode(CLI_PATH, args, cleanEnv(env));
    t.equal(result.code, 2, `${args.join(' ') || JSON.stringify(env)}: status 2`);
    t.equal(result.stdout, '', 'nothing on stdout');
    t.equal(result.stderr.trimEnd().split('\n').length, 1, 'one line');
    t.match(result.stderr, message);
  }
});

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  t.test(`${signal} shuts down cleanly`, async (t) => {
    const dataDir = tempDir(t);
    const emulator = await startCli(['--https-port', '0', '--http-port', '0', '--data-dir', dataDir, '--silent']);
    t.equal((await fetch(`${emulator.httpUrl}/_emulator/health`)).status, 200, 'serving before the signal');
    t.equal(await stop(emulator, signal), 0, 'exit status 0');
    t.match(emulator.output(), `stopped (${signal})`);
  });
}

t.test('logs: one JSON line per request when stdout is not a terminal', async (t) => {
  const dataDir = tempDir(t);
  const emulator = await startCli(['--https-port', '0', '--http-port', '0', '--data-dir', dataDir, '--completion', 'instant']);
  const install = await fetch(
    `${emulator.httpUrl}/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/myResourceGroupName/providers/Microsoft.Compute/virtualMachines/myVMName/installPatches?api-version=2024-07-01`,
    { method: 'POST', headers: { authorization: 'Bearer x', 'content-type': 'application/json' }, body: JSON.stringify({ rebootSetting: 'IfRequired', maximumDuration: 'PT1H' }) },
  );
  t.equal(install.status, 202);
  const poll = await fetch(install.headers.get('azure-asyncoperation')!, { headers: { authorization: 'Bearer x' } });
  t.equal(poll.status, 200);
  const missing = await fetch(`${emulator.httpUrl}/nowhere`);
  t.equal(missing.status, 404);
  await stop(emulator);

  const lines = emulator.output().split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, unknown>);
  const requests = lines.filter((line) => line.statusCode !== undefined);
  t.equal(requests.length, 3, 'one line per request, not two');
  const [installLine, pollLine, missingLine] = requests as [Record<string, unknown>, Record<string, unknown>, Record<string, unknown>];
  const operationId = install.headers.get('x-ms-request-id');
  t.match(installLine, { method: 'POST', statusCode: 202, operationId, level: 30 });
  t.match(installLine.reqId, /^[0-9a-f-]{36}$/, 'the request id');
  t.type(installLine.responseTime, 'number');
  t.match(pollLine, { method: 'GET', statusCode: 200, operationId });
  t.equal(pollLine.reqId, poll.headers.get('x-ms-request-id'), "the request id is the x-ms-request-id the client saw");
  t.match(missingLine, { url: '/nowhere', statusCode: 404 });
  t.notOk('operationId' in missingLine);
});

t.test('logs: no line is lost on SIGTERM, though lines are written in batches', async (t) => {
  const dataDir = tempDir(t);
  const emulator = await startCli(['--https-port', '0', '--http-port', '0', '--data-dir', dataDir]);
  const vmUrl = `${emulator.httpUrl}/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/myResourceGroupName/providers/Microsoft.Compute/virtualMachines/myVMName?api-version=2024-07-01`;
  const requestIds: string[] = [];
  // 20 clients, 20 requests each; the signal follows the last answer at once, while the last
  // lines are still in the buffer.
  await Promise.all(
    Array.from({ length: 20 }, async () => {
      for (let i = 0; i < 20; i++) {
        const answer = await fetch(vmUrl, { headers: { authorization: 'Bearer x' } });
        await answer.arrayBuffer();
        requestIds.push(answer.headers.get('x-ms-request-id')!);
      }
    }),
  );
  t.equal(await stop(emulator), 0);
  const lines = emulator.output().split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, unknown>);
  const logged = lines.filter((line) => line.statusCode === 200 && String(line.url).includes('/virtualMachines/myVMName')).map((line) => line.reqId);
  t.equal(logged.length, 400, 'one line for each of the 400 answers');
  t.same([...logged].sort(), [...requestIds].sort(), 'each answer\'s own line');
  t.match(emulator.output(), /stopped \(SIGTERM\)\n$/, 'the last line is the stop line: the log was written before it');
});

t.test('logs: a reader that goes away costs the log, not the emulator', async (t) => {
  const dataDir = tempDir(t);
  const emulator = await startCli(['--https-port', '0', '--http-port', '0', '--data-dir', dataDir]);
  emulator.child.stdout!.destroy();
  const vmUrl = `${emulator.httpUrl}/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/myResourceGroupName/providers/Microsoft.Compute/virtualMachines/myVMName?api-version=2024-07-01`;
  const statuses = new Set<number>();
  for (let i = 0; i < 200; i++) {
    const answer = await fetch(vmUrl, { headers: { authorization: 'Bearer x' } });
    await answer.arrayBuffer();
    statuses.add(answer.status);
  }
  t.same([...statuses], [200], 'every request answered with stdout closed');
  t.equal(await stop(emulator), 0, 'and the shutdown is clean');
});

t.test('--log-level warn leaves request lines out; --silent leaves every log out', async (t) => {
  for (const flags of [['--log-level', 'warn'], ['--silent']]) {
    const dataDir = tempDir(t);
    const emulator = await startCli(['--https-port', '0', '--http-port', '0', '--data-dir', dataDir, ...flags]);
    t.equal((await fetch(`${emulator.httpUrl}/_emulator/health`)).status, 200);
    await stop(emulator);
    t.notOk(emulator.output().split('\n').some((line) => line.startsWith('{')), `${flags.join(' ')}: no log lines`);
  }
});

t.test('the default data folder: ./.cpe-data in a project folder, else the per-user data folder of the platform', async (t) => {
  const project = tempDir(t);
  const bare = tempDir(t);
  writeFileSync(join(project, 'package.json'), '{}');
  t.equal(defaultDataDir({ cwd: project, env: {}, home: '/home/u' }), join(project, '.cpe-data'));
  t.equal(defaultDataDir({ cwd: bare, env: {}, home: '/home/u', platform: 'linux' }), '/home/u/.local/share/compute-patch-emulator');
  t.equal(defaultDataDir({ cwd: bare, env: { XDG_DATA_HOME: '/xdg' }, home: '/home/u', platform: 'linux' }), '/xdg/compute-patch-emulator');
  t.equal(defaultDataDir({ cwd: bare, env: { XDG_DATA_HOME: 'relative' }, home: '/home/u', platform: 'linux' }), '/home/u/.local/share/compute-patch-emulator', 'a relative XDG_DATA_HOME is ignored');
  t.equal(defaultDataDir({ cwd: bare, env: {}, home: '/Users/u', platform: 'darwin' }), '/Users/u/Library/Application Support/compute-patch-emulator');
  t.equal(defaultDataDir({ cwd: bare, env: { LOCALAPPDATA: '/appdata' }, home: '/u', platform: 'win32' }), join('/appdata', 'compute-patch-emulator'));
  // A folder that has a .cpe-data from an earlier run keeps using it.
  mkdirSync(join(bare, '.cpe-data'));
  t.equal(defaultDataDir({ cwd: bare, env: {}, home: '/home/u' }), join(bare, '.cpe-data'));
  // --data-dir is taken relative to the folder the emulator starts in.
  t.equal(parseConfig(['--data-dir', 'here'], {}, bare).dataDir, join(bare, 'here'));
});
