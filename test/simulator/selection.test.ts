// Selection semantics (docs/wire-format.md#patch-semantics): NotSelected vs Excluded vs selected.

import t from 'tap';
import { maskMatches } from '../../simulator/mask.js';
import { selectionOf, type InstallParameters } from '../../simulator/selection.js';
import { linuxPatch, windowsPatch } from './fixtures.js';

t.test('Windows: classifications select, others are NotSelected', async (t) => {
  const security = windowsPatch({ classifications: ['Security'] });
  const definition = windowsPatch({ classifications: ['Definition'] });
  const params: InstallParameters = { rebootSetting: 'IfRequired' as const, windowsParameters: { classificationsToInclude: ['Critical', 'Security'] } };
  t.equal(selectionOf(security, 'Windows', params), 'Selected');
  t.equal(selectionOf(definition, 'Windows', params), 'NotSelected');
  t.equal(selectionOf(security, 'Windows', { rebootSetting: 'IfRequired' }), 'NotSelected', 'no classification selects nothing');
});

t.test('Windows: maxPatchPublishDate leaves later patches NotSelected', async (t) => {
  const older = windowsPatch({ publishedDate: '2020-11-10T00:00:00Z' });
  const newer = windowsPatch({ publishedDate: '2020-12-08T00:00:00Z' });
  const params: InstallParameters = {
    rebootSetting: 'IfRequired' as const,
    windowsParameters: { classificationsToInclude: ['Security'], maxPatchPublishDate: '2020-11-19T02:36:43.0539904+00:00' },
  };
  t.equal(selectionOf(older, 'Windows', params), 'Selected');
  t.equal(selectionOf(newer, 'Windows', params), 'NotSelected');
});

t.test('Windows: a KB include selects outside the classifications and the publish date', async (t) => {
  const tools = windowsPatch({ classifications: ['Tools'], publishedDate: '2026-01-01T00:00:00Z' });
  const params: InstallParameters = {
    rebootSetting: 'IfRequired' as const,
    windowsParameters: { classificationsToInclude: ['Critical'], kbNumbersToInclude: [`kb${tools.kbId}`], maxPatchPublishDate: '2025-01-01T00:00:00Z' },
  };
  t.equal(selectionOf(tools, 'Windows', params), 'Selected');
});

t.test('Windows: exclusions win, and are Excluded rather than NotSelected', async (t) => {
  const rollup = windowsPatch({ classifications: ['UpdateRollUp'], rebootBehavior: 'CanRequestReboot' });
  const security = windowsPatch({ classifications: ['Security'], rebootBehavior: 'NeverReboots' });
  // cli-recording: the MSRT, outside [Critical, Security], is Excluded by excludeKbsRequiringReboot.
  const r1: InstallParameters = { rebootSetting: 'Never' as const, windowsParameters: { classificationsToInclude: ['Critical', 'Security'], excludeKbsRequiringReboot: true } };
  t.equal(selectionOf(rollup, 'Windows', r1), 'Excluded');
  t.equal(selectionOf(security, 'Windows', r1), 'Selected', 'a NeverReboots patch passes excludeKbsRequiringReboot');
  const both: InstallParameters = {
    rebootSetting: 'IfRequired' as const,
    windowsParameters: { kbNumbersToInclude: [`KB${security.kbId}`], kbNumbersToExclude: [`KB${security.kbId}`] },
  };
  t.equal(selectionOf(security, 'Windows', both), 'Excluded', 'an exclusion beats an inclusion');
});

t.test('Windows: patch name masks include and exclude, with wildcards', async (t) => {
  const cu = windowsPatch({ name: '2025-03 Cumulative Update for Windows Server (KB5053603)', classifications: ['Security'] });
  const net = windowsPatch({ name: '2025-03 Cumulative Update for .NET Framework (KB5053000)', classifications: ['UpdateRollUp'] });
  const params: InstallParameters = {
    rebootSetting: 'IfRequired' as const,
    windowsParameters: { patchNameMasksToInclude: ['*Cumulative Update*'], patchNameMasksToExclude: ['*.NET*'] },
  };
  t.equal(selectionOf(cu, 'Windows', params), 'Selected');
  t.equal(selectionOf(net, 'Windows', params), 'Excluded');
  t.ok(maskMatches('KB50?3603', 'kb5053603'), '? matches one character, case-insensitively');
  t.notOk(maskMatches('KB5053', 'KB5053603'), 'a mask matches the whole text');
});

t.test('Linux: Critical or Security selects the whole critical-and-security set', async (t) => {
  const critical = linuxPatch('sudo', { classifications: ['Critical'] });
  const security = linuxPatch('openssl', { classifications: ['Security'] });
  const other = linuxPatch('vim', { classifications: ['Other'] });
  const onlyCritical: InstallParameters = { rebootSetting: 'IfRequired' as const, linuxParameters: { classificationsToInclude: ['Critical'] } };
  t.equal(selectionOf(critical, 'Linux', onlyCritical), 'Selected');
  t.equal(selectionOf(security, 'Linux', onlyCritical), 'Selected');
  t.equal(selectionOf(other, 'Linux', onlyCritical), 'NotSelected');
  t.equal(selectionOf(other, 'Linux', { rebootSetting: 'IfRequired', linuxParameters: { classificationsToInclude: ['Other'] } }), 'Selected');
  t.equal(selectionOf(security, 'Linux', { rebootSetting: 'IfRequired', linuxParameters: { classificationsToInclude: ['Other'] } }), 'NotSelected');
});

t.test('Linux: package masks by name, name=version and name_version, with wildcards', async (t) => {
  const vim = linuxPatch('vim', { version: '2:8.2.3995-1ubuntu2.20', classifications: ['Other'] });
  const mask = (masks: { include?: string[]; exclude?: string[] }): InstallParameters => ({
    rebootSetting: 'IfRequired' as const,
    linuxParameters: { classificationsToInclude: ['Security'], packageNameMasksToInclude: masks.include ?? [], packageNameMasksToExclude: masks.exclude ?? [] },
  });
  t.equal(selectionOf(vim, 'Linux', mask({ include: ['vim'] })), 'Selected', 'by name, outside the classifications');
  t.equal(selectionOf(vim, 'Linux', mask({ include: ['vim=2:8.2.3995-1ubuntu2.20'] })), 'Selected', 'name=version');
  t.equal(selectionOf(vim, 'Linux', mask({ include: ['vim_2:8.2.3995-1ubuntu2.20'] })), 'Selected', 'name_version (the documented form)');
  t.equal(selectionOf(vim, 'Linux', mask({ include: ['vim=1.0'] })), 'NotSelected', 'another version does not match');
  t.equal(selectionOf(vim, 'Linux', mask({ include: ['vi*'], exclude: ['*im'] })), 'Excluded', 'an exclusion beats an inclusion');
});
