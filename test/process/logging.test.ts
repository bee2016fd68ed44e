// The readable log lines a terminal gets, and the choice between them and JSON.

import t from 'tap';
import { loggerOptions, readableLine } from '../../server/logging.js';

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

t.test('JSON when stdout is not a terminal, readable lines when it is, nothing when silent', async (t) => {
  const written: string[] = [];
  const pipe = { write: (text: string) => written.push(text), isTTY: false };
  t.same(loggerOptions({ level: 'info', silent: false }, pipe), { level: 'info', stream: pipe });
  const tty = { write: (text: string) => written.push(text), isTTY: true };
  const options = loggerOptions({ level: 'debug', silent: false }, tty) as { level: string; stream: { write(text: string): void } };
  t.equal(options.level, 'debug');
  options.stream.write(JSON.stringify({ level: 30, time: 0, msg: 'hello' }));
  t.same(written, ['00:00:00.000 INFO  hello\n']);
  t.equal(loggerOptions({ level: 'info', silent: true }, tty), false);
});
