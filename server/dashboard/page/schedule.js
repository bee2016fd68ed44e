// @ts-check
// Scheduled patching (Microsoft.Maintenance): configurations, what they are assigned to, the
// machines they cover, their next window and recent runs (server/maintenance/admin-routes.ts).

import { $, html, patch } from './html.js';
import { admin } from './api.js';
import { badge, timeText } from './format.js';
import { state } from './state.js';

/** @typedef {import('../view-model.js').ScheduleView} ScheduleView */

export async function refreshSchedule() {
  state.schedule = /** @type {ScheduleView} */ (await admin('GET', '/_emulator/maintenance'));
}

/** @param {unknown} id */
const lastSegment = (id) => String(id).split('/').pop();

export function renderSchedule() {
  const schedule = state.schedule;
  if (!schedule || schedule.configurations.length === 0) {
    patch($('#schedule-body'), html`<p>No maintenance configurations yet.</p>`);
    return;
  }
  const rows = schedule.configurations.map((c) => {
    const window = c.maintenanceWindow ?? {};
    const target = `${c.subscriptionId}/${c.resourceGroup}/${c.name}`;
    return html`<tr>
      <th scope="row">${c.name}<div class="hint">${c.resourceGroup} · ${c.maintenanceScope}</div></th>
      <td>${window.recurEvery ?? 'once'} from ${window.startDateTime ?? ''} (${window.timeZone ?? ''}), ${window.duration ?? ''}</td>
      <td>${c.nextWindow ? timeText(c.nextWindow.start) : '—'}</td>
      <td>${c.assignments.length === 0 ? '—' : html`${c.assignments.map((a) => html`<div>${a.properties.filter ? `dynamic scope ${a.name}` : lastSegment(a.properties.resourceId)}</div>`)}`}</td>
      <td>${c.machines.length === 0 ? '—' : html`${c.machines.map((m) => html`<div>${lastSegment(m)}</div>`)}`}</td>
      <td>${c.maintenanceScope === 'InGuestPatch' ? html`<button type="button" data-action="open-window" data-target="${target}" data-focus="open:${target}">Open window now</button>` : ''}</td>
    </tr>`;
  });
  const runs = schedule.runs.slice(0, 10).map(
    (r) => html`<tr><td>${timeText(r.start)}</td><td>${lastSegment(r.resourceId)}</td><td>${lastSegment(r.configurationId)}</td><td>${r.trigger}</td><td>${badge(r.status)}${r.skippedReason ? html`<div class="hint">${r.skippedReason}</div>` : ''}</td></tr>`,
  );
  patch(
    $('#schedule-body'),
    html`<div class="table-wrap" data-scroll="schedule"><table>
      <thead><tr><th scope="col">Configuration</th><th scope="col">Window</th><th scope="col">Next window</th><th scope="col">Assigned to</th><th scope="col">Machines covered</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
      <tbody>${rows}</tbody></table></div>
      ${runs.length > 0 ? html`<div class="table-wrap"><table><caption>Latest runs</caption>
        <thead><tr><th scope="col">Started</th><th scope="col">Machine</th><th scope="col">Configuration</th><th scope="col">Trigger</th><th scope="col">Status</th></tr></thead>
        <tbody>${runs}</tbody></table></div>` : ''}`,
  );
}

/** "Open window now": every machine the configuration covers runs its installation. */
/** @param {string} target subscription/group/name */
export function openWindow(target) {
  const [subscriptionId = '', group = '', name = ''] = target.split('/');
  return admin('POST', `/_emulator/maintenance/${encodeURIComponent(subscriptionId)}/${encodeURIComponent(group)}/${encodeURIComponent(name)}/open`, {});
}
