// @ts-check
// Arc-enabled servers (Microsoft.HybridCompute/machines): their rows in the fleet table, after the
// VMs of their resource group (server/hybrid-compute/overview.ts serves them).

import { html } from './html.js';
import { badge, kindText, shortTime, shownStatus } from './format.js';
import { availableCell, latestCell } from './fleet-cells.js';

/** @typedef {import('../view-model.js').ArcMachineOverview} ArcMachineOverview */

/** An Arc machine's patch settings, as `osProfile.*Configuration.patchSettings` gives them (defaults marked). */
/** @param {ArcMachineOverview['patchSettings']} settings */
function arcPatchSettingsText(settings) {
  const parts = [`patch mode ${settings.patchMode}`, `assessment ${settings.assessmentMode}`];
  if (settings.enableHotpatching !== undefined) parts.push(`hotpatching ${settings.enableHotpatching ? 'on' : 'off'}`);
  return `${parts.join(' · ')}${settings.given ? '' : ' (defaults)'}`;
}

/** Arc-enabled servers of a group, after its VMs: agent status, OS, patch settings and recent operations. */
/** @param {{ arcMachines?: ArcMachineOverview[] }} g */
export function arcRows(g) {
  if (!g.arcMachines || g.arcMachines.length === 0) return '';
  return html`<tr class="subgroup"><th scope="rowgroup" colspan="6">Arc-enabled servers <span class="faint-text">· Microsoft.HybridCompute/machines</span></th></tr>
    ${g.arcMachines.map(
      (m) => html`<tr data-arc-row="${m.name}">
        <th scope="row">${m.name}<div class="faint-text small" data-field="patch-settings">${arcPatchSettingsText(m.patchSettings)}</div></th>
        <td>${m.image}</td>
        <td>${badge(m.status)}</td>
        <td>${badge(m.rebootPending ? 'rebootPending' : 'noReboot')}</td>
        <td class="available">${availableCell(m)}</td>
        <td>${latestCell(m.operations[0] ?? null)}${
          m.operations.length > 1
            ? html`<details class="arc-runs"><summary>${m.operations.length} recent runs</summary><ul>${m.operations.map(
                (op) => html`<li><time datetime="${op.startTime}">${shortTime(op.startTime)}</time> ${kindText(op.kind)} ${badge(shownStatus(op))}</li>`,
              )}</ul></details>`
            : ''
        }</td>
      </tr>`,
    )}`;
}
