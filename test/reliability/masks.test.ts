// Name masks come from requests and are matched in linear time (simulator/mask.ts,
// docs/reliability.md): a mask built to make a backtracking matcher explode answers like any
// other, and the number and length of masks are bounded with ARM's 400 InvalidParameter.

import t from 'tap';
import { MAX_NAME_MASK_LENGTH, MAX_NAME_MASKS } from '../../schemas/install-patches.js';
import { compileMask, maskMatches } from '../../simulator/mask.js';
import { AUTH, LINUX_VM, post, testEmulator, vmPath, WINDOWS_VM } from '../helpers.js';

/** Masks that take exponential time as backtracking regular expressions, with texts that almost match. */
const PATHOLOGICAL: Array<[string, string]> = [
  ['************!', 'a'.repeat(60)],
  [`${'*a'.repeat(40)}!`, 'a'.repeat(200)],
  [`${'?*'.repeat(60)}b`, 'a'.repeat(200)],
  [`*${'a*'.repeat(100)}b*`, `${'a'.repeat(150)}c`],
  [`*${'a'.repeat(250)}b*`, 'a'.repeat(1000)],
];
const ORDINARY: [string, string] = ['kernel*', 'kernel-headers_5.15.0-91.101'];

t.test('matching: the usual globs, and no backtracking blow-up', async (t) => {
  t.ok(maskMatches('kernel*', 'KERNEL-headers'));
  t.ok(maskMatches('*-headers', 'kernel-headers'));
  t.ok(maskMatches('k?rn*h*s', 'kernel-headers'));
  t.ok(maskMatches('*', ''));
  t.ok(maskMatches('a**b', 'ab'));
  t.notOk(maskMatches('a*a', 'a'), 'the pieces before and after a star never share a character');
  t.notOk(maskMatches('*.x', 'a.y'));
  t.ok(maskMatches('*a*b*c', 'xxaxxbxxc'));
  t.notOk(maskMatches('*a*b*c', 'xxcxxbxxa'));
  t.ok(maskMatches('[x](y)+.^$', '[X](Y)+.^$'), 'regex characters are plain characters');
  for (const [mask, text] of PATHOLOGICAL) t.notOk(maskMatches(mask, text), `${mask.slice(0, 16)}... does not match`);
});

t.test('a pathological mask tries each text position at most once (linear work, counted)', async (t) => {
  // Counted, not timed: a backtracking matcher tries the same positions again for every way of
  // splitting the text among the stars, which for these cases runs past 10^9 tries.
  for (const [mask, text] of [ORDINARY, ...PATHOLOGICAL]) {
    const work = { positions: 0 };
    compileMask(mask, work)(text);
    const pieces = mask.split('*').length;
    t.ok(work.positions <= text.length + pieces + 2, `${mask.slice(0, 16)}...: ${work.positions} positions tried for a text of ${text.length}`);
  }
  // The count is real: a mask that must search does try positions.
  const searched = { positions: 0 };
  t.ok(compileMask('*b*c', searched)('aaaabaaaac'));
  t.ok(searched.positions >= 'aaaab'.length, 'the search for b went past the a\'s');
});

t.test('over HTTP: the hostile masks get 202 and the server keeps answering', async (t) => {
  const { app } = testEmulator(t);
  const linux = await post(app, `${vmPath(LINUX_VM)}/installPatches?api-version=2024-07-01`, {
    rebootSetting: 'IfRequired',
    linuxParameters: { packageNameMasksToInclude: ['************!'] },
  });
  t.equal(linux.statusCode, 202, 'the request from the review is accepted');
  const windows = await post(app, `${vmPath(WINDOWS_VM)}/installPatches?api-version=2025-04-01`, {
    maximumDuration: 'PT4H',
    rebootSetting: 'IfRequired',
    windowsParameters: { classificationsToInclude: ['Security'], patchNameMasksToInclude: [`${'*a'.repeat(100)}!`], patchNameMasksToExclude: ['?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*!'] },
  });
  t.equal(windows.statusCode, 202, 'Windows patch name masks (2025-04-01) too');
  const rule = await app.inject({ method: 'POST', url: '/_emulator/faults', payload: { match: { path: `${'*s'.repeat(200)}!` }, effect: { kind: 'drop' } } });
  t.equal(rule.statusCode, 201, 'a fault rule with a hostile path mask');
  const served = await app.inject({ method: 'GET', url: `${vmPath(WINDOWS_VM)}?api-version=2024-07-01`, headers: AUTH });
  t.equal(served.statusCode, 200, 'is matched against every request, and matches nothing here');
  t.equal((await app.inject({ method: 'GET', url: '/_emulator/health' })).statusCode, 200);
});

t.test('bounds: number and length of masks, with ARM\'s InvalidParameter and target', async (t) => {
  const { app } = testEmulator(t);
  const install = (linuxParameters: object) => post(app, `${vmPath(LINUX_VM)}/installPatches?api-version=2024-07-01`, { rebootSetting: 'Never', linuxParameters });
  const many = await install({ packageNameMasksToInclude: Array.from({ length: MAX_NAME_MASKS + 1 }, (_, i) => `pkg${i}*`) });
  t.equal(many.statusCode, 400);
  t.same(many.json().error, { code: 'InvalidParameter', message: 'The value of parameter linuxParameters.packageNameMasksToInclude is invalid.', target: 'linuxParameters.packageNameMasksToInclude' });
  const long = await install({ packageNameMasksToExclude: ['a'.repeat(MAX_NAME_MASK_LENGTH + 1)] });
  t.equal(long.statusCode, 400);
  t.equal(long.json().error.target, 'linuxParameters.packageNameMasksToExclude');
  const blank = await install({ packageNameMasksToExclude: ['   '] });
  t.equal(blank.statusCode, 400, 'a blank mask, which the REST spec does not support');
  t.equal((await install({ packageNameMasksToInclude: Array.from({ length: MAX_NAME_MASKS }, (_, i) => `${'?'.repeat(200)}${i}*`) })).statusCode, 202, 'up to the limits is fine');
  const windows = await post(app, `${vmPath(WINDOWS_VM)}/installPatches?api-version=2025-04-01`, {
    maximumDuration: 'PT4H',
    rebootSetting: 'Never',
    windowsParameters: { patchNameMasksToExclude: ['x'.repeat(MAX_NAME_MASK_LENGTH + 1)] },
  });
  t.equal(windows.json().error.target, 'windowsParameters.patchNameMasksToExclude');

  let added = 0;
  for (; added < 101; added++) {
    const answer = await app.inject({ method: 'POST', url: '/_emulator/faults', payload: { match: { path: `/x${added}/*` }, effect: { kind: 'drop' } } });
    if (answer.statusCode !== 201) {
      t.equal(answer.statusCode, 400);
      t.equal(answer.json().error.code, 'InvalidParameter');
      break;
    }
  }
  t.equal(added, 100, 'at most 100 fault rules');
  const longPath = await app.inject({ method: 'POST', url: '/_emulator/faults', payload: { match: { path: '*'.repeat(1025) }, effect: { kind: 'drop' } } });
  t.equal(longPath.statusCode, 400);
});
