// @ts-check
// Compliance: a Resource Graph query's answer (server/resource-graph/compliance.ts), per machine
// its last assessment, pending critical and security patches and last installation.

import { $, html, patch } from './html.js';
import { admin } from './api.js';
import { badge, timeText } from './format.js';
import { state } from './state.js';

/** @typedef {import('../view-model.js').ComplianceView} ComplianceView */

/** The compliance query reads every machine's runs: asked at most every few seconds, and after an action. */
const COMPLIANCE_POLL_MS = 5000;
let complianceAt = 0;

export async function refreshCompliance() {
  if (state.compliance && !state.complianceStale && Date.now() - complianceAt < COMPLIANCE_POLL_MS) return;
  state.compliance = /** @type {ComplianceView} */ (await admin('GET', '/_emulator/compliance'));
  state.complianceStale = false;
  complianceAt = Date.now();
}

/** A count of pending patches: a warning when there are any, nothing to say when none. */
/** @param {number | null | undefined} count */
function pendingCell(count) {
  if (count === null || count === undefined) return html`<span class="faint-text">–</span>`;
  return count > 0 ? html`<strong class="warn-text" data-field="pending">${count}</strong>` : html`<span data-field="pending">0</span>`;
}

export function renderCompliance() {
  const compliance = state.compliance;
  if (!compliance) return;
  patch($('#compliance-query'), compliance.query);
  if (compliance.machines.length === 0) return patch($('#compliance-body'), html`<p>No machines.</p>`);
  patch(
    $('#compliance-body'),
    html`<div class="scroll" data-scroll="compliance" role="region" aria-label="Compliance table" tabindex="0"><table class="compliance">
      <caption class="visually-hidden">Each machine's last assessment and installation, from Resource Graph</caption>
      <thead><tr><th scope="col">Machine</th><th scope="col">Last assessment</th><th scope="col">Pending critical</th><th scope="col">Pending security</th><th scope="col">Reboot</th><th scope="col">Last installation</th></tr></thead>
      <tbody>${compliance.machines.map(
        (m) => html`<tr data-compliance-row="${m.machine}">
          <th scope="row">${m.machine} <span class="faint-text">· ${m.resourceGroup}${m.osType ? ` · ${m.osType}` : ''}</span></th>
          <td>${m.lastAssessment ? html`${timeText(m.lastAssessment)} ${m.assessmentStatus && m.assessmentStatus !== 'Succeeded' ? badge(m.assessmentStatus) : ''}` : html`<span class="faint-text">None in the last 7 days</span>`}</td>
          <td>${pendingCell(m.pendingCritical)}</td>
          <td>${pendingCell(m.pendingSecurity)}</td>
          <td>${m.rebootPending === null ? html`<span class="faint-text">–</span>` : badge(m.rebootPending ? 'rebootPending' : 'noReboot')}</td>
          <td>${m.lastInstall ? html`${m.lastInstallStatus ? badge(m.lastInstallStatus) : ''} <span class="nowrap">${timeText(m.lastInstall)}</span> <span class="faint-text">${m.installed} installed, ${m.failed} failed</span>` : html`<span class="faint-text">None in the last 30 days</span>`}</td>
        </tr>`,
      )}</tbody>
    </table></div>`,
  );
}
