// @ts-check
// The header's clock and the fleet: subscriptions, resource groups, their VMs (and Arc machines).

import { $, $as, html, patch } from './html.js';
import { badge, speedText, timeText } from './format.js';
import { arcRows } from './arc.js';
import { availableCell, latestCell } from './fleet-cells.js';
import { state, vmKey } from './state.js';

/** @typedef {import('../view-model.js').Overview} Overview */

/** @param {Overview} overview */
export function renderHeader(overview) {
  const clock = overview.clock;
  const now = $as('#clock-now', HTMLTimeElement);
  now.textContent = `${timeText(clock.now)} UTC`;
  now.dateTime = clock.now;
  $('#clock-speed').textContent = clock.frozen ? '' : `(${speedText(clock.speed)})`;
  patch($('#clock-state'), badge(clock.frozen ? 'frozen' : 'ticking'));
  const freeze = $('#freeze');
  freeze.textContent = clock.frozen ? 'Resume clock' : 'Freeze clock';
  freeze.setAttribute('aria-pressed', String(clock.frozen));
  const speed = $as('#clock-speed-input', HTMLInputElement);
  if (document.activeElement !== speed && speed.dataset.shown !== String(clock.speed)) {
    speed.value = String(clock.speed);
    speed.dataset.shown = String(clock.speed);
  }
  const completion = $as('#completion-mode', HTMLSelectElement);
  if (document.activeElement !== completion && completion.dataset.shown !== overview.completion.default) {
    if (![...completion.options].some((o) => o.value === overview.completion.default)) {
      completion.add(new Option(overview.completion.default, overview.completion.default));
    }
    completion.value = overview.completion.default;
    completion.dataset.shown = overview.completion.default;
  }
}

/** @param {Overview} overview */
export function renderFleet(overview) {
  const chosen = state.vm ? vmKey(state.vm) : '';
  const groups = overview.subscriptions.flatMap((s) => s.resourceGroups.map((g) => ({ subscriptionId: s.subscriptionId, ...g })));
  if (groups.length === 0) return patch($('#fleet-body'), html`<p>No resource groups. Create some through the ARM API, or reset to the seed.</p>`);
  patch(
    $('#fleet-body'),
    html`<div class="scroll" data-scroll="fleet" data-focus="fleet-table" role="region" aria-label="Fleet table" tabindex="0"><table class="fleet">
      <caption class="visually-hidden">Virtual machines and Arc-enabled servers by subscription and resource group</caption>
      <thead><tr><th scope="col">VM</th><th scope="col">OS</th><th scope="col">Power</th><th scope="col">Reboot</th><th scope="col">Available patches</th><th scope="col">Latest operation</th></tr></thead>
      ${groups.map(
        (g) => html`<tbody>
          <tr class="group"><th scope="rowgroup" colspan="6">${g.name} <span class="faint-text">· ${g.location} · subscription ${g.subscriptionId}</span></th></tr>
          ${g.virtualMachines.length === 0 ? html`<tr><td colspan="6" class="faint-text">No VMs</td></tr>` : ''}
          ${g.virtualMachines.map(
            (vm) => html`<tr class="${vmKey(vm) === chosen ? 'chosen' : ''}" data-vm-row="${vm.name}">
              <th scope="row"><button type="button" class="link" data-action="select-vm" data-focus="vm:${vmKey(vm)}"
                data-subscription="${vm.subscriptionId}" data-group="${vm.resourceGroup}" data-vm="${vm.name}"
                aria-pressed="${vmKey(vm) === chosen}">${vm.name}</button></th>
              <td>${vm.image}</td>
              <td>${badge(vm.powerState)}</td>
              <td>${badge(vm.rebootPending ? 'rebootPending' : 'noReboot')}</td>
              <td class="available">${availableCell(vm)}</td>
              <td>${latestCell(vm.latestOperation)}</td>
            </tr>`,
          )}
          ${arcRows(g)}
        </tbody>`,
      )}
    </table></div>
    ${overview.truncated ? html`<p class="hint">Only the first VMs are listed.</p>` : ''}`,
  );
}
