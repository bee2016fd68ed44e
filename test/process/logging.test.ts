// The readable log lines a terminal gets, and the choice between them and batched JSON.

import t from 'tap';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { logOutput, readableLine } from '../../server/logging.js';
import { tempDir } from '../helpers.js';

t.test('a request line reads as time, level, method, URL, status, time taken and ids', async (t) => {
  const json = JSON.stringify({
    level: 30,
    time: Date.UTC(2026, 10, 26, 9, 5, 7, 123),
    pid: 1,
    hostname: 'h',
    reqId: 'r-1',
    method: 'POST',
    url: '/x/installPatches',
    statusCode: 202,
    responseTime: 3.14,
    operationId: 'op-1',
    msg: 'request completed',
  });
  t.equal(readableLine(json), '09:05:07.123 INFO  POST /x/installPatches 202 3.1 ms op=op-1 req=r-1\n');
});

t.test('other lines keep their message and extra fields; errors keep their stack', async (t) => {
  const line = readableLine(JSON.stringify({ level: 50, time: 0, msg: 'request failed', reqId: 'r', err: { message: 'boom', stack: 'Error: boom\n    at here' } }));
  t.equal(line, '00:00:00.000 ERROR request failed req=r \nError: boom\n    at here\n');
  t.equal(readableLine('not json'), 'not json\n');
});

t.test('JSON when stdout is not a terminal, written in batches; readable lines on a terminal; nothing when silent', async (t) => {
  const file = join(tempDir(t), 'stdout');
  const fd = openSync(file, 'w');
  t.teardown(() => closeSync(fd));
  const pipe = logOutput({ level: 'info', silent: false }, { fd, isTTY: false, write: () => t.fail('no direct write') });
  t.teardown(() => pipe.close());
  if (!pipe.options) throw new Error('a logger was expected');
  t.equal(pipe.options.level, 'info');
  const lines = Array.from({ length: 500 }, (_, i) => `${JSON.stringify({ level: 30, msg: `line ${i}` })}\n`);
  for (const line of lines) pipe.options.stream.write(line);
  await pipe.flush();
  t.equal(readFileSync(file, 'utf8'), lines.join(''), 'every line, in order, once flushed');

  const written: string[] = [];
  const tty = logOutput({ level: 'debug', silent: false }, { fd: -1, isTTY: true, write: (text: string) => written.push(text) });
  if (!tty.options) throw new Error('a logger was expected');
  t.equal(tty.options.level, 'debug');
  tty.options.stream.write(JSON.stringify({ level: 30, time: 0, msg: 'hello' }));
  t.same(written, ['00:00:00.000 INFO  hello\n'], 'a terminal gets each line at once');
  t.equal(logOutput({ level: 'info', silent: true }, { fd: -1, isTTY: true, write: () => 0 }).options, false);
});
