// @ts-check
// One operation in detail: its status, progress and step, counts, errors, and every patch's state.

import { $, html, patch } from './html.js';
import { activityText, badge, countsText, kindText, platformMark, progressBar, shownStatus, timeText } from './format.js';
import { state } from './state.js';

/** @param {string} label @param {number | undefined} value @param {string} key */
function countTile(label, value, key) {
  return html`<div class="tile ${key}"><dt>${label}</dt><dd data-count="${key}">${value ?? '–'}</dd></div>`;
}

export function renderOperation() {
  const container = $('#operation');
  const op = state.detail;
  if (!op) {
    container.removeAttribute('data-operation-id');
    return patch(container, html`<p class="hint">No operation on this VM yet: start one with the form below.</p>`);
  }
  container.dataset.operationId = op.operationId;
  container.dataset.status = op.status;
  container.dataset.resultStatus = shownStatus(op);
  const running = op.status === 'InProgress';
  const installing = running && op.activity?.phase === 'Installing' ? op.activity.patchId : undefined;
  const pollable = running && op.completion !== 'time';
  const first = op.patches[0];
  patch(
    container,
    html`<div class="op-head">
      <p class="op-title"><strong>${kindText(op.kind)}</strong> on ${op.vmName}${platformMark(op)}
        <span class="op-status" data-field="status">${badge(shownStatus(op))}</span>
        ${op.resultStatus && op.resultStatus !== 'InProgress' && op.status !== op.resultStatus ? html`<span class="faint-text">(operation envelope: ${op.status})</span>` : ''}</p>
      <p class="facts">Operation <code>${op.operationId}</code> · finishes ${op.completion === 'time' ? 'on the clock' : `at status polls (${op.completion})`}
        · started ${timeText(op.startTime)} · ${op.endTime ? html`ended ${timeText(op.endTime)}` : html`planned end ${timeText(op.plannedEndTime)}`}</p>
    </div>
    ${running ? html`${progressBar(op, 'Progress of the run')}<p class="activity" data-field="activity">${activityText(op)}</p>` : ''}
    ${pollable ? html`<div class="buttons"><button type="button" data-action="poll-status" data-focus="poll">Poll the status once</button><span class="hint">as a client would: it counts towards ${op.completion}</span></div>` : ''}
    ${op.kind === 'installPatches'
      ? html`<dl class="tiles">
          ${countTile('Installed', op.installedPatchCount, 'installed')}
          ${countTile('Failed', op.failedPatchCount, 'failed')}
          ${countTile('Pending', op.pendingPatchCount, 'pending')}
          ${countTile('Excluded', op.excludedPatchCount, 'excluded')}
          ${countTile('Not selected', op.notSelectedPatchCount, 'notSelected')}
        </dl>
        <p class="facts">Reboot: <strong data-field="reboot">${op.rebootStatus ?? '–'}</strong> · Maintenance window exceeded: <strong data-field="window">${op.maintenanceWindowExceeded ? 'Yes' : 'No'}</strong></p>`
      : ''}
    ${op.kind === 'assessPatches' && !running ? html`<p class="facts">Found ${countsText(op)}.</p>` : ''}
    ${op.error && !['0', 'Success'].includes(op.error.code)
      ? html`<div class="error-box"><p><strong>${op.error.code}</strong>: ${op.error.message}</p>
          ${op.errorDetails.length > 0 ? html`<ul>${op.errorDetails.map((d) => html`<li><code>${d.code}</code> ${d.message}</li>`)}</ul>` : ''}</div>`
      : ''}
    ${first
      ? html`<div class="scroll tall" data-scroll="patches" data-focus="patches-table" role="region" aria-label="Patches of this operation" tabindex="0"><table class="patches">
          <caption class="visually-hidden">Patches of this operation and their states</caption>
          <thead><tr><th scope="col">Patch</th><th scope="col">${first.kbId !== undefined ? 'KB' : 'Version'}</th><th scope="col">Classification</th><th scope="col">State</th></tr></thead>
          <tbody>${op.patches.map(
            (p) => html`<tr data-patch-id="${p.patchId}" data-state="${p.installationState}">
              <th scope="row">${p.name}</th>
              <td>${p.kbId !== undefined ? (p.kbId ? `KB${p.kbId}` : '') : p.version}</td>
              <td>${p.classifications.join(', ')}${p.msrcSeverity ? html` <span class="faint-text">(${p.msrcSeverity})</span>` : ''}</td>
              <td>${p.patchId === installing ? badge('Installing') : badge(p.installationState)}</td>
            </tr>`,
          )}</tbody></table></div>`
      : running && op.kind === 'assessPatches'
        ? html`<p class="hint">The assessment lists what it found when it ends.</p>`
        : ''}`,
  );
}
