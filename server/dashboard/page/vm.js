// @ts-check
// The chosen VM: its facts and patch settings, the install form and power buttons (built from the
// server's vocabulary), its past runs and its available patches.

import { $, $as, html, patch } from './html.js';
import { admin, request, vmPath, vmQuery } from './api.js';
import { badge, kindText, platformMark, progressBar, shortTime, shownStatus, timeText } from './format.js';
import { renderOperation } from './operation.js';
import { announce, chosenVm, state, vmKey, vocabulary } from './state.js';

/** @typedef {import('../view-model.js').VmOverview} VmOverview */
/** @typedef {import('../view-model.js').OperationSummary} OperationSummary */
/** @typedef {import('../view-model.js').OperationList} OperationList */
/** @typedef {import('../view-model.js').OperationDetail} OperationDetail */
/** @typedef {import('../view-model.js').Inventory} Inventory */
/** @typedef {import('./state.js').VmName} VmName */

const HISTORY_LIMIT = 20;

/** Words for the values whose names are not words; the others are shown as they are. */
/** @type {Record<string, string>} */
const WORDS = { UpdateRollUp: 'Update rollup', FeaturePack: 'Feature pack', ServicePack: 'Service pack', IfRequired: 'If required' };
/** What the form offers before anything is chosen: the most common request. */
const CHECKED_CLASSIFICATIONS = ['Critical', 'Security'];
const DEFAULT_REBOOT_SETTING = 'IfRequired';

/** The classification boxes, the reboot settings and the power buttons, from the vocabulary. */
export function buildVmForms() {
  const words = vocabulary();
  for (const [osFamily, name] of /** @type {const} */ ([['Windows', 'windowsClassification'], ['Linux', 'linuxClassification']])) {
    const fieldset = $(`#${osFamily.toLowerCase()}-classifications`);
    patch(
      fieldset,
      html`<legend>Classifications to include</legend>${words.classifications[osFamily].map(
        (value) => html`<label><input type="checkbox" name="${name}" value="${value}"${CHECKED_CLASSIFICATIONS.includes(value) ? html` checked` : ''}> ${WORDS[value] ?? value}</label>`,
      )}`,
    );
  }
  const reboot = $as('#reboot-setting', HTMLSelectElement);
  reboot.replaceChildren(...words.rebootSettings.map((value) => new Option(WORDS[value] ?? value, value, value === DEFAULT_REBOOT_SETTING, value === DEFAULT_REBOOT_SETTING)));
  patch(
    $('#power-buttons'),
    words.powerActions.map((action) => html`<button type="button" data-action="power" data-power="${action}">${kindText(action)}</button>`),
  );
}

/** A VM's patch settings, and when the platform next runs by itself. */
/** @param {VmOverview} vm */
function patchSettingsText(vm) {
  const s = vm.patchSettings;
  if (!s) return '';
  const next = [
    s.nextPlatformAssessment ? html`next automatic assessment ${timeText(s.nextPlatformAssessment)}` : '',
    s.nextPlatformInstallation ? html`next automatic patching ${timeText(s.nextPlatformInstallation)}` : '',
  ].filter((part) => part !== '');
  return html`Patch mode <strong>${s.patchMode}</strong> · assessment mode <strong>${s.assessmentMode}</strong>${s.enableHotpatching ? ' · hotpatching' : ''}
    · platform reboot ${s.rebootSetting}${s.bypassPlatformSafetyChecksOnUserSchedule ? ' · bypass for a schedule' : ''}${next.map((part) => html` · ${part}`)}`;
}

/** @param {OperationSummary} op @param {string} list */
function operationButton(op, list) {
  return html`<button type="button" class="link" data-action="select-operation" data-focus="${list}:${op.operationId}"
    data-operation="${op.operationId}" data-subscription="${op.subscriptionId}" data-group="${op.resourceGroup}" data-vm="${op.vmName}">${kindText(op.kind)}</button>${platformMark(op)}`;
}

/** @param {OperationSummary[]} operations */
function operationRows(operations) {
  return operations.map(
    (op) => html`<tr class="${op.operationId === state.operation.id ? 'chosen' : ''}">
      <td class="nowrap"><time datetime="${op.startTime}">${shortTime(op.startTime)}</time></td>
      <th scope="row">${operationButton(op, 'history')}</th>
      <td>${badge(shownStatus(op))}${op.status === 'InProgress' ? progressBar(op, 'progress') : ''}</td>
      <td class="num">${op.installedPatchCount ?? ''}</td>
      <td class="num">${op.failedPatchCount ?? ''}</td>
      <td class="num">${op.pendingPatchCount ?? ''}</td>
      <td>${op.maintenanceWindowExceeded === undefined ? '' : badge(op.maintenanceWindowExceeded ? 'windowExceeded' : 'windowKept')}</td>
      <td>${op.rebootStatus ?? ''}</td>
    </tr>`,
  );
}

/** @param {OperationSummary[]} operations @param {string} caption */
function operationTable(operations, caption) {
  if (operations.length === 0) return html`<p class="hint">None yet.</p>`;
  return html`<div class="scroll" data-scroll="runs" data-focus="runs-table" role="region" aria-label="${caption}" tabindex="0"><table class="runs">
    <caption class="visually-hidden">${caption}</caption>
    <thead><tr><th scope="col">Started (simulated)</th><th scope="col">Operation</th><th scope="col">Status</th>
      <th scope="col" class="num">Installed</th><th scope="col" class="num">Failed</th><th scope="col" class="num">Pending</th>
      <th scope="col">Window exceeded</th><th scope="col">Reboot</th></tr></thead>
    <tbody>${operationRows(operations)}</tbody>
  </table></div>`;
}

export function renderVm() {
  const section = $('#vm');
  const vm = chosenVm();
  section.hidden = !vm;
  if (!vm) return;
  $('#vm-title').textContent = vm.name;
  patch(
    $('#vm-facts'),
    html`${vm.osName} · image ${vm.image} · ${vm.location} · resource group ${vm.resourceGroup} · ${badge(vm.powerState)} ${badge(vm.rebootPending ? 'rebootPending' : 'noReboot')}`,
  );
  patch($('#vm-patch-settings'), patchSettingsText(vm));
  const windows = vm.osFamily === 'Windows';
  for (const [id, shown] of /** @type {const} */ ([
    ['#windows-classifications', windows],
    ['#windows-fields', windows],
    ['#linux-classifications', !windows],
    ['#linux-fields', !windows],
  ])) {
    const element = $(id);
    element.hidden = !shown;
    if (element instanceof HTMLFieldSetElement) element.disabled = !shown;
    else element.toggleAttribute('disabled', !shown);
  }
  renderInventory();
  renderHistory();
  renderOperation();
}

function renderInventory() {
  const inventory = state.inventory;
  if (!inventory) return patch($('#available'), html`<p class="hint">Loading…</p>`);
  patch(
    $('#available'),
    html`<p class="facts"><strong data-field="available">${inventory.availablePatchCount}</strong> available now</p>
    <table class="classes">
      <caption class="visually-hidden">Available patches by classification</caption>
      <thead><tr><th scope="col">Classification</th><th scope="col" class="num">Patches</th></tr></thead>
      <tbody>${inventory.byClassification.map((c) => html`<tr class="${c.count === 0 ? 'zero' : ''}"><th scope="row">${c.classification}</th><td class="num">${c.count}</td></tr>`)}</tbody>
    </table>
    ${inventory.patches.length > 0
      ? html`<details data-list="inventory"${state.inventoryOpen ? html` open` : ''}><summary data-focus="inventory-list">List the ${inventory.patches.length} patches</summary>
        <ul class="patch-list">${inventory.patches.map(
          (p) => html`<li><span class="chip">${p.classifications.join(', ')}</span> ${p.name}${p.version ? html` <code>${p.version}</code>` : ''}</li>`,
        )}</ul></details>`
      : ''}`,
  );
}

function renderHistory() {
  patch($('#history'), operationTable(state.history, `Operations on ${state.vm?.name ?? 'the VM'}, newest first`));
}

/** The chosen VM's runs, its inventory and the operation shown. */
export async function refreshVm() {
  const vm = chosenVm();
  if (!vm) {
    state.history = [];
    state.inventory = null;
    state.detail = null;
    return;
  }
  const [history, inventory] = /** @type {[OperationList, Inventory]} */ (
    await Promise.all([
      admin('GET', `/_emulator/operations?${vmQuery(vm)}&limit=${HISTORY_LIMIT}`),
      admin('GET', `/_emulator/inventory/${encodeURIComponent(vm.subscriptionId)}/${encodeURIComponent(vm.resourceGroup)}/${encodeURIComponent(vm.name)}`),
    ])
  );
  state.history = history.value;
  state.inventory = inventory;
  if (!state.operation.pinned) state.operation.id = state.history[0]?.operationId ?? null;
  const id = state.operation.id;
  // A finished operation does not change any more: read it once.
  if (!id) state.detail = null;
  else if (state.detail?.operationId !== id || state.detail.status === 'InProgress') {
    state.detail = await admin('GET', `/_emulator/operations/${encodeURIComponent(vm.subscriptionId)}/${encodeURIComponent(id)}`);
  }
}

/** A comma- or space-separated list, as the form's text fields take them. */
/** @param {FormDataEntryValue | null} text */
export const list = (text) =>
  String(text ?? '')
    .split(/[,\s]+/)
    .map((s) => s.trim())
    .filter(Boolean);

/** @param {FormDataEntryValue | null} text */
const kbList = (text) => list(text).map((kb) => (/^\d+$/.test(kb) ? `KB${kb}` : kb));

/**
 * The installPatches body the form describes, for the VM's OS.
 * @param {HTMLFormElement} form
 * @param {VmOverview} vm
 */
export function installBody(form, vm) {
  const data = new FormData(form);
  /** @type {Record<string, unknown>} */
  const body = { maximumDuration: String(data.get('maximumDuration') ?? '').trim() || 'PT4H', rebootSetting: data.get('rebootSetting') };
  if (vm.osFamily === 'Windows') {
    /** @type {Record<string, unknown>} */
    const windows = { classificationsToInclude: data.getAll('windowsClassification') };
    const include = kbList(data.get('kbInclude'));
    const exclude = kbList(data.get('kbExclude'));
    const nameInclude = list(data.get('nameInclude'));
    const nameExclude = list(data.get('nameExclude'));
    if (include.length) windows.kbNumbersToInclude = include;
    if (exclude.length) windows.kbNumbersToExclude = exclude;
    if (nameInclude.length) windows.patchNameMasksToInclude = nameInclude;
    if (nameExclude.length) windows.patchNameMasksToExclude = nameExclude;
    if (data.get('maxPatchPublishDate')) windows.maxPatchPublishDate = `${data.get('maxPatchPublishDate')}T23:59:59Z`;
    if (data.get('excludeKbsRequiringReboot')) windows.excludeKbsRequiringReboot = true;
    body.windowsParameters = windows;
  } else {
    /** @type {Record<string, unknown>} */
    const linux = { classificationsToInclude: data.getAll('linuxClassification') };
    const include = list(data.get('packageInclude'));
    const exclude = list(data.get('packageExclude'));
    if (include.length) linux.packageNameMasksToInclude = include;
    if (exclude.length) linux.packageNameMasksToExclude = exclude;
    body.linuxParameters = linux;
  }
  return body;
}

/** Starts a long-running operation through the ARM API and shows it: the 202 names it. */
/** @param {VmOverview} vm @param {string} action @param {unknown} [body] */
export async function startOperation(vm, action, body) {
  const { response } = await request('POST', `${vmPath(vm)}/${action}?api-version=${vocabulary().computeApiVersion}`, body === undefined ? {} : { body });
  const id = response.headers.get('x-ms-request-id');
  state.operation = { id, pinned: true };
  state.detail = null;
  announce(`${kindText(action)} started on ${vm.name}.`);
  $('#operation-section').scrollIntoView({ block: 'start', behavior: matchMedia('(prefers-reduced-motion: reduce)').matches ? 'auto' : 'smooth' });
}

/** A status poll of the operation shown, as a client makes it (it counts towards `polls:N`). */
/** @param {VmOverview} vm @param {string} operationId */
export const pollStatus = (vm, operationId) =>
  request(
    'GET',
    `/subscriptions/${encodeURIComponent(vm.subscriptionId)}/providers/Microsoft.Compute/locations/${encodeURIComponent(vm.location)}/operations/${encodeURIComponent(operationId)}?api-version=${vocabulary().computeApiVersion}`,
  );

/** @param {VmName} vm */
export function selectVm(vm) {
  const changed = !state.vm || vmKey(state.vm) !== vmKey(vm);
  state.vm = { subscriptionId: vm.subscriptionId, resourceGroup: vm.resourceGroup, name: vm.name };
  if (changed) {
    state.operation = { id: null, pinned: false };
    state.detail = null;
    state.inventory = null;
    state.history = [];
  }
}
