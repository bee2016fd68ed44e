// The README's examples, run against a freshly started emulator by the same code as
// `npm run docs:check` (scripts/docs-examples.ts): each output the README shows is what the
// emulator answers now, up to timestamps, correlation ids and uptime.

import { spawnSync } from 'node:child_process';
import t from 'tap';
import { runExamples } from '../../scripts/docs-examples.js';

// The examples are curl commands, as a reader runs them: without curl the test skips and says how to
// get it, except in CI (.ci/run installs it).
const noCurl = spawnSync('curl', ['--version'], { stdio: 'ignore' }).status === 0
  ? undefined
  : 'the README examples need curl: install it (Debian/Ubuntu: sudo apt-get install -y curl; macOS has it)';
const skip = noCurl !== undefined && process.env.CI !== 'true' ? noCurl : false;

t.test("the README's example outputs are the emulator's", { skip }, async (t) => {
  if (noCurl !== undefined) throw new Error(`${noCurl} (CI=true: this test must run)`);
  const reports = await runExamples({ write: false });
  t.ok(reports.length >= 7, `${reports.length} examples found`);
  for (const report of reports) {
    t.ok(report.ok, `${report.name}: the README shows what the emulator answers (npm run docs:examples regenerates it)`, report.ok ? {} : { shown: report.shown, actual: report.actual });
  }
});
