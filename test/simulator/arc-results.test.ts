// The HybridCompute result shapes (simulator/arc-results.ts): built from the same plan as Compute's,
// so every count agrees; timestamps and the classification counts as the Arc RP writes them.

import t from 'tap';
import { planAssessment } from '../../simulator/assessment.js';
import { arcAssessResult, arcInstallResult, arcTimestamp, countByClassification, patchServiceFor } from '../../simulator/arc-results.js';
import { installResult } from '../../simulator/results.js';
import { linuxPatch, lookup, plan, START_MS, TEST_CATALOGUE, windowsPatch } from './fixtures.js';

t.test('timestamps: seven fractional digits and Z', async (t) => {
  t.equal(arcTimestamp(Date.parse('2023-12-06T08:18:54.834Z')), '2023-12-06T08:18:54.8340000Z');
  t.equal(arcTimestamp(Date.parse('2023-12-06T08:18:54Z')), '2023-12-06T08:18:54.0000000Z');
});

t.test('the package manager by OS and distribution', async (t) => {
  t.equal(patchServiceFor('Windows', undefined), 'WU');
  t.equal(patchServiceFor('Linux', 'Ubuntu'), 'APT');
  t.equal(patchServiceFor('Linux', 'Red Hat Enterprise Linux'), 'YUM');
  t.equal(patchServiceFor('Linux', 'SLES'), 'Zypper');
  t.equal(patchServiceFor('Linux', undefined), 'Unknown');
});

t.test('counts by first classification; Windows has no `other`, Linux has', async (t) => {
  t.same(countByClassification('Windows', [['Security'], ['Critical', 'Security'], ['UpdateRollUp'], ['Definition'], ['Definition']]), {
    security: 1, critical: 1, definition: 2, updateRollup: 1, featurePack: 0, servicePack: 0, tools: 0, updates: 0,
  });
  t.same(countByClassification('Linux', [['Security'], ['Other'], ['Other']]), {
    security: 1, critical: 0, definition: 0, updateRollup: 0, featurePack: 0, servicePack: 0, tools: 0, updates: 0, other: 2,
  });
});

t.test('an installation: the Compute counts, no patch list, errorDetails only when errors were reported', async (t) => {
  const patches = [windowsPatch(), windowsPatch({ classifications: ['Critical'] }), windowsPatch({ classifications: ['Updates'] })];
  const run = plan(patches, { rebootSetting: 'IfRequired', maximumDuration: 'PT4H', windowsParameters: { classificationsToInclude: ['Critical', 'Security'] } });
  const compute = installResult(run, lookup);
  const arc = arcInstallResult(compute, { startMs: run.startMs, lastModifiedMs: run.startMs + run.durationMs, startedBy: 'User', patchServiceUsed: 'WU', osFamily: 'Windows' });
  t.match(arc, {
    status: compute.status,
    installedPatchCount: compute.installedPatchCount,
    notSelectedPatchCount: compute.notSelectedPatchCount,
    installationActivityId: 'op-1',
    osType: 'Windows',
    startedBy: 'User',
    startDateTime: '2025-01-01T00:00:00.0000000Z',
  });
  t.equal(arc.installedPatchCount, 2);
  t.notOk('patches' in arc || 'error' in arc || 'errorDetails' in arc);

  const failing = arcInstallResult(
    { ...compute, status: 'Failed', error: { code: '1', message: '1 error/s reported.', details: [{ code: 'PACKAGE_INSTALL_FAILED', message: 'failed' }] } },
    { startMs: START_MS, lastModifiedMs: START_MS, startedBy: 'Platform', patchServiceUsed: 'APT', osFamily: 'Linux' },
  );
  t.same(failing.errorDetails, { code: '1', message: '1 error/s reported.', details: [{ code: 'PACKAGE_INSTALL_FAILED', message: 'failed' }] });
  t.equal(failing.startedBy, 'Platform');
});

t.test('an assessment: counts of what it found; superseded, nothing found and Failed', async (t) => {
  const available = [linuxPatch('openssl'), linuxPatch('vim', { classifications: ['Other'] })];
  const assessment = planAssessment({ operationId: 'op-2', osFamily: 'Linux', startMs: START_MS, catalogue: TEST_CATALOGUE, available, rebootPending: true });
  const result = arcAssessResult(assessment, START_MS + assessment.durationMs, lookup, false, { startedBy: 'User', patchServiceUsed: 'APT' });
  t.match(result, { status: 'Succeeded', rebootPending: true, osType: 'Linux', assessmentActivityId: 'op-2', availablePatchCountByClassification: { security: 1, other: 1 } });
  t.same(Object.keys(result), ['startDateTime', 'lastModifiedDateTime', 'startedBy', 'rebootPending', 'patchServiceUsed', 'status', 'availablePatchCountByClassification', 'assessmentActivityId', 'osType']);
  const superseded = arcAssessResult(assessment, START_MS + 1000, lookup, true, { startedBy: 'User', patchServiceUsed: 'APT' });
  t.equal(superseded.status, 'Failed');
  t.equal(superseded.availablePatchCountByClassification.security, 0);
  t.equal(superseded.errorDetails?.details[0]?.code, 'NEWER_OPERATION_SUPERSEDED');
});
