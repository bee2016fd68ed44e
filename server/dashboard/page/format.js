// @ts-check
// Words and badges: how the page says a status, a time, a count. The values come from the server;
// the words for them are the page's own, and a value it has no words for is shown as it is.

import { html } from './html.js';

/** @typedef {import('../view-model.js').OperationSummary} OperationSummary */
/** @typedef {Pick<OperationSummary, 'progress'>} WithProgress */

/** @type {Record<string, string>} */
const KIND = {
  installPatches: 'Install patches',
  assessPatches: 'Assess patches',
  start: 'Start',
  powerOff: 'Power off',
  deallocate: 'Deallocate',
  restart: 'Restart',
};

/** An operation kind (or power action) in words. */
/** @param {string} kind */
export const kindText = (kind) => KIND[kind] ?? kind;

/** @type {Record<string, [tone: string, icon: string, label: string]>} Colour, a shape that does not need colour, and the words. */
const LOOK = {
  InProgress: ['busy', '◔', 'In progress'],
  Succeeded: ['ok', '✓', 'Succeeded'],
  Failed: ['bad', '✕', 'Failed'],
  CompletedWithWarnings: ['warn', '!', 'Completed with warnings'],
  Canceled: ['muted', '–', 'Canceled'],
  Installed: ['ok', '✓', 'Installed'],
  Installing: ['busy', '◔', 'Installing'],
  Pending: ['warn', '…', 'Pending'],
  Excluded: ['muted', '⊘', 'Excluded'],
  NotSelected: ['faint', '–', 'Not selected'],
  Available: ['info', '•', 'Available'],
  running: ['ok', '●', 'Running'],
  stopped: ['warn', '■', 'Stopped'],
  deallocated: ['muted', '○', 'Deallocated'],
  rebootPending: ['warn', '↻', 'Reboot pending'],
  noReboot: ['faint', '–', 'None owed'],
  windowExceeded: ['bad', '⏱', 'Exceeded'],
  windowKept: ['faint', '–', 'No'],
  Connected: ['ok', '●', 'Connected'],
  Disconnected: ['bad', '○', 'Disconnected'],
  Error: ['bad', '✕', 'Error'],
  AwaitingConnection: ['warn', '…', 'Awaiting connection'],
  Expired: ['muted', '○', 'Expired'],
  frozen: ['info', '❚❚', 'Frozen'],
  ticking: ['ok', '▶', 'Running'],
};

/** @param {string} value */
export const statusText = (value) => LOOK[value]?.[2] ?? value;

/** @param {string} value */
export function badge(value) {
  const [tone, icon, label] = LOOK[value] ?? ['muted', '', value];
  return html`<span class="badge ${tone}"><span class="icon" aria-hidden="true">${icon}</span> ${label}</span>`;
}

/** The status that matters to a person: the result's for patch runs, the envelope's otherwise. */
/** @param {{ status: string, resultStatus?: string }} op */
export const shownStatus = (op) => op.resultStatus ?? op.status;

/** @param {string | null | undefined} armTime */
export function timeText(armTime) {
  return armTime ? `${armTime.slice(0, 10)} ${armTime.slice(11, 19)}` : '–';
}

/** Month, day and time: enough in a table of runs. */
/** @param {string | null | undefined} armTime */
export function shortTime(armTime) {
  return armTime ? `${armTime.slice(5, 10)} ${armTime.slice(11, 19)}` : '–';
}

/** @param {number} speed */
export function speedText(speed) {
  if (speed === 1) return 'real time';
  if (speed === 60) return '1 simulated minute a second';
  if (speed === 3600) return '1 simulated hour a second';
  return `${speed}× real time`;
}

/** @param {OperationSummary} op */
export function countsText(op) {
  if (op.kind === 'installPatches' && op.installedPatchCount !== undefined) {
    return `${op.installedPatchCount} installed, ${op.failedPatchCount} failed, ${op.pendingPatchCount} pending, ${op.excludedPatchCount} excluded, ${op.notSelectedPatchCount} not selected`;
  }
  if (op.kind === 'assessPatches' && op.criticalAndSecurityPatchCount !== undefined) {
    return `${op.criticalAndSecurityPatchCount} critical or security, ${op.otherPatchCount} other`;
  }
  return '';
}

/** @param {OperationSummary} op */
export function activityText(op) {
  if (op.status !== 'InProgress') return '';
  const phase = op.activity?.phase;
  if (phase === 'Done' || (op.progress >= 1 && op.completion !== 'time')) {
    if (op.completion === 'instant') return 'Run over: finishes at the first status poll';
    const polls = /^polls:(\d+)$/.exec(op.completion);
    if (polls) return `Run over: finishes at status poll ${polls[1]} (${op.statusPolls} so far)`;
    return 'Finishing';
  }
  if (phase === 'Installing' && op.activity?.patchName) return `Installing ${op.activity.patchName}`;
  if (phase) return phase;
  return 'Running';
}

/** @param {WithProgress} op @param {string} label */
export function progressBar(op, label) {
  const percent = Math.round(op.progress * 100);
  return html`<div class="progress"><progress max="100" value="${percent}" aria-label="${label}">${percent}%</progress><span class="progress-text">${percent}%</span></div>`;
}

/** A run the platform started by itself (automatic assessment or patching). */
/** @param {{ startedBy?: string }} op */
export function platformMark(op) {
  return op.startedBy === 'Platform' ? html` <span class="badge info" title="Started by the platform, not by a request">platform</span>` : '';
}
