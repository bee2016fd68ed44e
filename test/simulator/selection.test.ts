import t from 'tap';
import type { CataloguePatch } from '../../simulator/catalogue.js';
import { maskMatches, selectionOf, type InstallParameters } from '../../simulator/selection.js';

const windowsPatch = (overrides: Partial<CataloguePatch> = {}): CataloguePatch => ({
  patchId: '11111111-1111-4111-8111-111111111111',
  name: '2020-10 Cumulative Update (KB4580346)',
  kbId: '4580346',
  classifications: ['Security'],
  rebootBehavior: 'AlwaysRequiresReboot',
  publishedDate: '2020-10-13T00:00:00Z',
  installMinutes: 20,
  failureRate: 0,
  ...overrides,
});

const linuxPatch = (overrides: Partial<CataloguePatch> = {}): CataloguePatch => ({
  patchId: 'vim_2:8.2.3995-1ubuntu2.20_Ubuntu_22.04',
  name: 'vim',
  version: '2:8.2.3995-1ubuntu2.20',
  classifications: ['Other'],
  rebootBehavior: 'NeverReboots',
  publishedDate: '2024-10-01T00:00:00Z',
  installMinutes: 1,
  failureRate: 0,
  ...overrides,
});

const windows = (windowsParameters: InstallParameters['windowsParameters']): InstallParameters => ({ rebootSetting: 'IfRequired', windowsParameters });
const linux = (linuxParameters: InstallParameters['linuxParameters']): InstallParameters => ({ rebootSetting: 'IfRequired', linuxParameters });

t.test('classificationsToInclude selects matching patches and leaves the rest NotSelected', async (t) => {
  t.equal(selectionOf(windowsPatch(), 'Windows', windows({ classificationsToInclude: ['Critical', 'Security'] })), 'Selected');
  t.equal(selectionOf(windowsPatch({ classifications: ['Definition'] }), 'Windows', windows({ classificationsToInclude: ['Critical', 'Security'] })), 'NotSelected');
  t.equal(selectionOf(windowsPatch(), 'Windows', windows({})), 'NotSelected', 'nothing requested, nothing selected');
  t.equal(selectionOf(windowsPatch(), 'Windows', {}  as InstallParameters), 'NotSelected', 'no windowsParameters at all');
});

t.test('maxPatchPublishDate leaves later patches NotSelected', async (t) => {
  const params = windows({ classificationsToInclude: ['Security'], maxPatchPublishDate: '2020-11-19T02:36:43.0539904+00:00' });
  t.equal(selectionOf(windowsPatch({ publishedDate: '2020-11-18T00:00:00Z' }), 'Windows', params), 'Selected');
  t.equal(selectionOf(windowsPatch({ publishedDate: '2020-11-20T00:00:00Z' }), 'Windows', params), 'NotSelected');
});

t.test('kbNumbersToInclude selects outside the classifications; kbNumbersToExclude wins', async (t) => {
  t.equal(selectionOf(windowsPatch({ classifications: ['Tools'] }), 'Windows', windows({ classificationsToInclude: ['Critical'], kbNumbersToInclude: ['KB4580346'] })), 'Selected');
  t.equal(selectionOf(windowsPatch({ classifications: ['Tools'] }), 'Windows', windows({ kbNumbersToInclude: ['kb4580346'] })), 'Selected', 'KB prefix in any case');
  t.equal(selectionOf(windowsPatch(), 'Windows', windows({ classificationsToInclude: ['Security'], kbNumbersToExclude: ['KB4580346'] })), 'Excluded');
  t.equal(selectionOf(windowsPatch(), 'Windows', windows({ kbNumbersToInclude: ['KB4580346'], kbNumbersToExclude: ['KB4580346'] })), 'Excluded');
});

t.test('excludeKbsRequiringReboot excludes all but NeverReboots, even outside the classifications (R1)', async (t) => {
  const params = windows({ classificationsToInclude: ['Critical', 'Security'], excludeKbsRequiringReboot: true });
  t.equal(selectionOf(windowsPatch({ rebootBehavior: 'AlwaysRequiresReboot' }), 'Windows', params), 'Excluded');
  t.equal(selectionOf(windowsPatch({ rebootBehavior: 'CanRequestReboot', classifications: ['UpdateRollUp'] }), 'Windows', params), 'Excluded');
  t.equal(selectionOf(windowsPatch({ rebootBehavior: 'NeverReboots' }), 'Windows', params), 'Selected');
  t.equal(selectionOf(windowsPatch({ rebootBehavior: 'NeverReboots', classifications: ['Definition'] }), 'Windows', params), 'NotSelected');
});

t.test('patchNameMasksToInclude/Exclude match the update title', async (t) => {
  t.equal(selectionOf(windowsPatch({ classifications: ['Tools'] }), 'Windows', windows({ patchNameMasksToInclude: ['*Cumulative*'] })), 'Selected');
  t.equal(selectionOf(windowsPatch(), 'Windows', windows({ classificationsToInclude: ['Security'], patchNameMasksToExclude: ['2020-10*'] })), 'Excluded');
});

t.test('Linux: classifications and package masks by name and by name_version or name=version', async (t) => {
  t.equal(selectionOf(linuxPatch(), 'Linux', linux({ classificationsToInclude: ['Critical', 'Security'] })), 'NotSelected');
  t.equal(selectionOf(linuxPatch(), 'Linux', linux({ classificationsToInclude: ['Other'] })), 'Selected');
  t.equal(selectionOf(linuxPatch(), 'Linux', linux({ classificationsToInclude: ['Other'], packageNameMasksToExclude: ['vi*'] })), 'Excluded');
  t.equal(selectionOf(linuxPatch(), 'Linux', linux({ packageNameMasksToInclude: ['vim_2:8.2.3995-1ubuntu2.20'] })), 'Selected');
  t.equal(selectionOf(linuxPatch(), 'Linux', linux({ packageNameMasksToInclude: ['vim=2:8.2*'] })), 'Selected');
  t.equal(selectionOf(linuxPatch(), 'Linux', linux({ packageNameMasksToInclude: ['vim=9*'] })), 'NotSelected');
});

t.test('masks are whole-text shell patterns', async (t) => {
  t.ok(maskMatches('kernel*', 'kernel-default'));
  t.notOk(maskMatches('kernel', 'kernel-default'));
  t.ok(maskMatches('lib?', 'libc'));
  t.ok(maskMatches('a.b(c)', 'a.b(c)'), 'regex metacharacters are literal');
  t.notOk(maskMatches('a.b', 'axb'));
});
