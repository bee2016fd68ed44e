// The emulator's dashboard. It asks the emulator what is happening once a second (GET
// /_emulator/overview and, for the chosen VM, its operations and patches) and drives it only
// through the emulator's own APIs: the ARM API for patch runs and power actions, the admin API
// under /_emulator/ for the clock, scenarios, faults and reset. No framework, nothing fetched from
// anywhere but this emulator.

const API_VERSION = '2026-03-01';
/** The emulator accepts any bearer token. */
const ARM_HEADERS = { authorization: 'Bearer dashboard' };
const POLL_MS = 1000;
const RETRY_MS = 3000;
const HISTORY_LIMIT = 20;
const KEY_STORAGE = 'cpe-admin-key';
const TEXT_SIZE_STORAGE = 'cpe-large-text';

const $ = (selector) => document.querySelector(selector);

const state = {
  overview: null,
  /** The chosen VM: { subscriptionId, resourceGroup, name } */
  vm: null,
  /** The operation shown; `pinned` when chosen by hand, else the VM's latest one is followed. */
  operation: { id: null, pinned: false },
  detail: null,
  history: [],
  inventory: null,
  scenarios: [],
  faults: [],
  /** Last status seen per operation, to announce the ones that finish. */
  seen: new Map(),
  failures: 0,
  /** Scenarios or faults changed here: read them again. */
  rulesStale: true,
  inventoryOpen: false,
  /** GET /_emulator/compliance: { query, machines }; stale after an action. */
  compliance: null,
  complianceStale: true,
};

// ---- Safe HTML: every interpolated value is escaped unless it is itself html`...` -----------------

class Html {
  constructor(text) {
    this.text = text;
  }
  toString() {
    return this.text;
  }
}

function escapeHtml(value) {
  return String(value).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

function fragment(value) {
  if (value instanceof Html) return value.text;
  if (Array.isArray(value)) return value.map(fragment).join('');
  if (value === null || value === undefined || value === false) return '';
  return escapeHtml(value);
}

function html(strings, ...values) {
  let text = strings[0];
  values.forEach((value, i) => {
    text += fragment(value) + strings[i + 1];
  });
  return new Html(text);
}

/**
 * Replaces an element's content only when it changed, keeping the keyboard focus (elements with
 * the same data-focus) and the scroll positions (data-scroll) where they were.
 */
const rendered = new WeakMap();

function patch(element, content) {
  const text = fragment(content);
  if (rendered.get(element) === text) return;
  const active = document.activeElement;
  const focusKey = active && element.contains(active) ? active.dataset.focus : undefined;
  const scrolled = [...element.querySelectorAll('[data-scroll]')].map((e) => [e.dataset.scroll, e.scrollTop, e.scrollLeft]);
  element.innerHTML = text;
  rendered.set(element, text);
  for (const [key, top, left] of scrolled) {
    const again = element.querySelector(`[data-scroll="${CSS.escape(key)}"]`);
    if (again) again.scrollTo(left, top);
  }
  if (focusKey) element.querySelector(`[data-focus="${CSS.escape(focusKey)}"]`)?.focus({ preventScroll: true });
}

// ---- Talking to the emulator ----------------------------------------------------------------------

function adminKey() {
  return sessionStorage.getItem(KEY_STORAGE) ?? '';
}

class RequestError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

async function request(method, url, { body, headers = {} } = {}) {
  const isAdmin = url.startsWith('/_emulator/');
  const key = adminKey();
  const response = await fetch(url, {
    method,
    cache: 'no-store',
    headers: {
      ...(isAdmin ? {} : ARM_HEADERS),
      ...(isAdmin && key ? { 'x-admin-key': key } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...headers,
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  let payload = null;
  try {
    payload = text ? JSON.parse(text) : null;
  } catch {
    payload = null;
  }
  if (!response.ok) {
    const error = payload?.error;
    throw new RequestError(response.status, error?.code ?? String(response.status), error?.message ?? (response.statusText || 'request failed'));
  }
  return { response, payload };
}

const admin = async (method, url, body) => (await request(method, url, body === undefined ? {} : { body })).payload;

const vmPath = (vm) =>
  `/subscriptions/${encodeURIComponent(vm.subscriptionId)}/resourceGroups/${encodeURIComponent(vm.resourceGroup)}` +
  `/providers/Microsoft.Compute/virtualMachines/${encodeURIComponent(vm.name)}`;

const vmQuery = (vm) =>
  `subscriptionId=${encodeURIComponent(vm.subscriptionId)}&resourceGroup=${encodeURIComponent(vm.resourceGroup)}&vmName=${encodeURIComponent(vm.name)}`;

// ---- Words and badges -----------------------------------------------------------------------------

const KIND = {
  installPatches: 'Install patches',
  assessPatches: 'Assess patches',
  start: 'Start',
  powerOff: 'Power off',
  deallocate: 'Deallocate',
  restart: 'Restart',
};

/** Colour, a shape that does not need colour, and the words. */
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

function badge(value) {
  const [tone, icon, label] = LOOK[value] ?? ['muted', '', value];
  return html`<span class="badge ${tone}"><span class="icon" aria-hidden="true">${icon}</span> ${label}</span>`;
}

/** The status that matters to a person: the result's for patch runs, the envelope's otherwise. */
const shownStatus = (op) => op.resultStatus ?? op.status;

function timeText(armTime) {
  return armTime ? `${armTime.slice(0, 10)} ${armTime.slice(11, 19)}` : '–';
}

/** Month, day and time: enough in a table of runs. */
function shortTime(armTime) {
  return armTime ? `${armTime.slice(5, 10)} ${armTime.slice(11, 19)}` : '–';
}

function speedText(speed) {
  if (speed === 1) return 'real time';
  if (speed === 60) return '1 simulated minute a second';
  if (speed === 3600) return '1 simulated hour a second';
  return `${speed}× real time`;
}

function countsText(op) {
  if (op.kind === 'installPatches' && op.installedPatchCount !== undefined) {
    return `${op.installedPatchCount} installed, ${op.failedPatchCount} failed, ${op.pendingPatchCount} pending, ${op.excludedPatchCount} excluded, ${op.notSelectedPatchCount} not selected`;
  }
  if (op.kind === 'assessPatches' && op.criticalAndSecurityPatchCount !== undefined) {
    return `${op.criticalAndSecurityPatchCount} critical or security, ${op.otherPatchCount} other`;
  }
  return '';
}

function activityText(op) {
  if (op.status !== 'InProgress') return '';
  const phase = op.activity?.phase;
  if (phase === 'Done' || (op.progress >= 1 && op.completion !== 'time')) {
    if (op.completion === 'instant') return 'Run over: finishes at the first status poll';
    const polls = /^polls:(\d+)$/.exec(op.completion);
    if (polls) return `Run over: finishes at status poll ${polls[1]} (${op.statusPolls} so far)`;
    return 'Finishing';
  }
  if (phase === 'Installing' && op.activity.patchName) return `Installing ${op.activity.patchName}`;
  if (phase) return phase;
  return 'Running';
}

function progressBar(op, label) {
  const percent = Math.round(op.progress * 100);
  return html`<div class="progress"><progress max="100" value="${percent}" aria-label="${label}">${percent}%</progress><span class="progress-text">${percent}%</span></div>`;
}

// ---- Rendering ------------------------------------------------------------------------------------

const vmKey = (vm) => `${vm.subscriptionId}/${vm.resourceGroup}/${vm.name}`.toLowerCase();

function allVms() {
  return (state.overview?.subscriptions ?? []).flatMap((s) => s.resourceGroups.flatMap((g) => g.virtualMachines));
}

function chosenVm() {
  return state.vm ? allVms().find((vm) => vmKey(vm) === vmKey(state.vm)) : undefined;
}

function renderHeader(overview) {
  const clock = overview.clock;
  const now = $('#clock-now');
  now.textContent = `${timeText(clock.now)} UTC`;
  now.dateTime = clock.now;
  $('#clock-speed').textContent = clock.frozen ? '' : `(${speedText(clock.speed)})`;
  patch($('#clock-state'), badge(clock.frozen ? 'frozen' : 'ticking'));
  const freeze = $('#freeze');
  freeze.textContent = clock.frozen ? 'Resume clock' : 'Freeze clock';
  freeze.setAttribute('aria-pressed', String(clock.frozen));
  const speed = $('#clock-speed-input');
  if (document.activeElement !== speed && speed.dataset.shown !== String(clock.speed)) {
    speed.value = String(clock.speed);
    speed.dataset.shown = String(clock.speed);
  }
  const completion = $('#completion-mode');
  if (document.activeElement !== completion && completion.dataset.shown !== overview.completion.default) {
    if (![...completion.options].some((o) => o.value === overview.completion.default)) {
      completion.add(new Option(overview.completion.default, overview.completion.default));
    }
    completion.value = overview.completion.default;
    completion.dataset.shown = overview.completion.default;
  }
}

function latestCell(op) {
  if (!op) return html`<span class="faint-text">None yet</span>`;
  return html`<span class="latest">${KIND[op.kind] ?? op.kind} ${badge(shownStatus(op))}
    ${op.status === 'InProgress' ? progressBar(op, `${KIND[op.kind] ?? op.kind}: progress`) : ''}</span>`;
}

/** The total, and the classifications that have patches (the VM's panel has the full table). */
function availableCell(vm) {
  const present = vm.availableByClassification.filter((c) => c.count > 0);
  return html`<strong data-field="available">${vm.availablePatchCount}</strong>
    <span class="breakdown">${present.map((c, i) => html`${i > 0 ? ', ' : ''}<span class="nowrap">${c.classification} ${c.count}</span>`)}</span>`;
}

/** An Arc machine's patch settings, as `osProfile.*Configuration.patchSettings` gives them (defaults marked). */
function arcPatchSettingsText(settings) {
  const parts = [`patch mode ${settings.patchMode}`, `assessment ${settings.assessmentMode}`];
  if (settings.enableHotpatching !== undefined) parts.push(`hotpatching ${settings.enableHotpatching ? 'on' : 'off'}`);
  return `${parts.join(' · ')}${settings.given ? '' : ' (defaults)'}`;
}

/** Arc-enabled servers of a group, after its VMs: agent status, OS, patch settings and recent operations. */
function arcRows(g) {
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
                (op) => html`<li><time datetime="${op.startTime}">${shortTime(op.startTime)}</time> ${KIND[op.kind] ?? op.kind} ${badge(shownStatus(op))}</li>`,
              )}</ul></details>`
            : ''
        }</td>
      </tr>`,
    )}`;
}

function renderFleet(overview) {
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

function operationButton(op, list) {
  return html`<button type="button" class="link" data-action="select-operation" data-focus="${list}:${op.operationId}"
    data-operation="${op.operationId}" data-subscription="${op.subscriptionId}" data-group="${op.resourceGroup}" data-vm="${op.vmName}">${KIND[op.kind] ?? op.kind}</button>${platformMark(op)}`;
}

/** A run the platform started by itself (automatic assessment or patching). */
function platformMark(op) {
  return op.startedBy === 'Platform' ? html` <span class="badge info" title="Started by the platform, not by a request">platform</span>` : '';
}

/** A VM's patch settings, and when the platform next runs by itself. */
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

function renderVm() {
  const section = $('#vm');
  const vm = chosenVm();
  section.hidden = !vm;
  if (!vm) return;
  $('#vm-title').textContent = vm.name;
  patch(
    $('#vm-facts'),
    html`${vm.osName} · image ${vm.image} · ${vm.location} · resource group ${vm.resourceGroup} · ${badge(vm.powerState)} ${badge(vm.rebootPending ? 'rebootPending' : 'noReboot')}`,
  );
  const settings = $('#vm-patch-settings');
  if (settings) patch(settings, patchSettingsText(vm));
  const windows = vm.osFamily === 'Windows';
  for (const [id, shown] of [
    ['#windows-classifications', windows],
    ['#windows-fields', windows],
    ['#linux-classifications', !windows],
    ['#linux-fields', !windows],
  ]) {
    const element = $(id);
    element.hidden = !shown;
    element.disabled = !shown;
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

function countTile(label, value, key) {
  return html`<div class="tile ${key}"><dt>${label}</dt><dd data-count="${key}">${value ?? '–'}</dd></div>`;
}

function renderOperation() {
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
  patch(
    container,
    html`<div class="op-head">
      <p class="op-title"><strong>${KIND[op.kind] ?? op.kind}</strong> on ${op.vmName}${platformMark(op)}
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
    ${op.patches.length > 0
      ? html`<div class="scroll tall" data-scroll="patches" data-focus="patches-table" role="region" aria-label="Patches of this operation" tabindex="0"><table class="patches">
          <caption class="visually-hidden">Patches of this operation and their states</caption>
          <thead><tr><th scope="col">Patch</th><th scope="col">${op.patches[0].kbId !== undefined ? 'KB' : 'Version'}</th><th scope="col">Classification</th><th scope="col">State</th></tr></thead>
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

function renderControls() {
  const select = $('#scenario-vm');
  const options = [['', 'Any VM'], ...allVms().map((vm) => [vmKey(vm), `${vm.name} (${vm.resourceGroup})`])];
  const wanted = JSON.stringify(options);
  if (select.dataset.options !== wanted) {
    const value = select.value;
    select.replaceChildren(...options.map(([v, label]) => new Option(label, v)));
    select.value = options.some(([v]) => v === value) ? value : '';
    select.dataset.options = wanted;
  }
  patch(
    $('#scenarios'),
    state.scenarios.length === 0
      ? html`<p class="hint">No scenarios.</p>`
      : html`<ul class="rules">${state.scenarios.map(
          (s) => html`<li><span>${describeScenario(s)}</span>
            <button type="button" class="quiet" data-action="delete-scenario" data-id="${s.id}" data-focus="scenario:${s.id}" aria-label="Delete scenario: ${describeScenario(s)}">Delete</button></li>`,
        )}</ul>`,
  );
  patch(
    $('#faults'),
    state.faults.length === 0
      ? html`<p class="hint">No faults.</p>`
      : html`<ul class="rules">${state.faults.map(
          (f) => html`<li><span>${describeFault(f)}</span>
            <button type="button" class="quiet" data-action="delete-fault" data-id="${f.id}" data-focus="fault:${f.id}" aria-label="Delete fault: ${describeFault(f)}">Delete</button></li>`,
        )}</ul>`,
  );
}

function describeScenario(s) {
  const o = s.outcome;
  const what = [
    o.status && `status ${o.status}`,
    o.failPatches?.length && `fail ${o.failPatches.join(', ')}`,
    o.maintenanceWindowExceeded && 'window exceeded',
    o.rebootStatus && `reboot ${o.rebootStatus}`,
    o.duration && `lasts ${o.duration}`,
    o.operationFailure && `operation fails with ${o.operationFailure.code}`,
  ].filter(Boolean);
  const where = [s.match.operation ?? 'any operation', s.match.vmName ? `on ${s.match.vmName}` : 'on any VM'].join(' ');
  const left = s.remaining === undefined ? '' : ` (${s.remaining} left)`;
  return `${where}: ${what.join(', ')}${left}`;
}

function describeFault(f) {
  const e = f.effect;
  const effect =
    e.kind === 'error' ? `${e.statusCode} error` : e.kind === 'throttle' ? `throttle, retry after ${e.retryAfterSeconds} s` : e.kind === 'latency' ? `${e.delayMs} ms latency` : 'dropped connection';
  const where = [f.match.method, f.match.operation ?? 'any request', f.match.path].filter(Boolean).join(' ');
  const left = f.remaining === undefined ? '' : `, ${f.remaining} left`;
  return `${where}: ${effect}${f.probability !== undefined ? ` (p=${f.probability})` : ''}${left}, matched ${f.matched}`;
}

// ---- The loop -------------------------------------------------------------------------------------

function announce(text) {
  const region = $('#announcer');
  region.textContent = '';
  // A fresh text node is what screen readers notice.
  setTimeout(() => (region.textContent = text), 50);
}

/** Announces operations seen running that have now finished. */
function noticeFinished(operations) {
  for (const op of operations) {
    const before = state.seen.get(op.operationId);
    const now = shownStatus(op);
    if (before === 'InProgress' && now !== 'InProgress') {
      const counts = countsText(op);
      announce(`${KIND[op.kind] ?? op.kind} on ${op.vmName}: ${LOOK[now]?.[2] ?? now}${counts ? `, ${counts}` : ''}.`);
      // A finished run is in Resource Graph now: the compliance view asks again at the next refresh.
      state.complianceStale = true;
    }
    state.seen.set(op.operationId, now);
  }
}

function showAlert(message) {
  const alert = $('#alert');
  if (!message) {
    alert.hidden = true;
    alert.textContent = '';
    return;
  }
  alert.hidden = false;
  alert.textContent = message;
}

function setConnection(text, tone) {
  const element = $('#connection');
  element.textContent = text;
  element.className = `connection ${tone}`;
}

async function refreshVm() {
  const vm = chosenVm();
  if (!vm) {
    state.history = [];
    state.inventory = null;
    state.detail = null;
    return;
  }
  const [history, inventory] = await Promise.all([
    admin('GET', `/_emulator/operations?${vmQuery(vm)}&limit=${HISTORY_LIMIT}`),
    admin('GET', `/_emulator/inventory/${encodeURIComponent(vm.subscriptionId)}/${encodeURIComponent(vm.resourceGroup)}/${encodeURIComponent(vm.name)}`),
  ]);
  state.history = history.value;
  state.inventory = inventory;
  if (!state.operation.pinned) state.operation.id = state.history[0]?.operationId ?? null;
  const id = state.operation.id;
  // A finished operation does not change any more: read it once.
  if (!id) state.detail = null;
  else if (state.detail?.operationId !== id || state.detail.status === 'InProgress') {
    state.detail = await admin('GET', `/_emulator/operations/${encodeURIComponent(vm.subscriptionId)}/${encodeURIComponent(id)}`);
  }
  noticeFinished(state.history);
}

/** Scenarios and faults count down and count matches: read them while there are any. */
async function refreshRules(overview) {
  const stale = state.rulesStale;
  state.rulesStale = false;
  const [scenarios, faults] = await Promise.all([
    overview.scenarios > 0 || state.scenarios.length > 0 || stale ? admin('GET', '/_emulator/scenarios') : { value: [] },
    overview.faults > 0 || state.faults.length > 0 || stale ? admin('GET', '/_emulator/faults') : { value: [] },
  ]);
  state.scenarios = scenarios.value;
  state.faults = faults.value;
}

// ---- Compliance: a Resource Graph query's answer (server/resource-graph/compliance.ts) -----------

/** The compliance query reads every machine's runs: asked at most every few seconds, and after an action. */
const COMPLIANCE_POLL_MS = 5000;
let complianceAt = 0;

async function refreshCompliance() {
  if (state.compliance && !state.complianceStale && Date.now() - complianceAt < COMPLIANCE_POLL_MS) return;
  state.compliance = await admin('GET', '/_emulator/compliance');
  state.complianceStale = false;
  complianceAt = Date.now();
}

/** A count of pending patches: a warning when there are any, nothing to say when none. */
function pendingCell(count) {
  if (count === null || count === undefined) return html`<span class="faint-text">–</span>`;
  return count > 0 ? html`<strong class="warn-text" data-field="pending">${count}</strong>` : html`<span data-field="pending">0</span>`;
}

function renderCompliance() {
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
          <td>${m.lastInstall ? html`${badge(m.lastInstallStatus)} <span class="nowrap">${timeText(m.lastInstall)}</span> <span class="faint-text">${m.installed} installed, ${m.failed} failed</span>` : html`<span class="faint-text">None in the last 30 days</span>`}</td>
        </tr>`,
      )}</tbody>
    </table></div>`,
  );
}

let timer;
let refreshing = false;

async function refresh() {
  if (refreshing) return;
  refreshing = true;
  clearTimeout(timer);
  try {
    const overview = await admin('GET', '/_emulator/overview');
    state.overview = overview;
    await Promise.all([refreshVm(), refreshRules(overview), refreshSchedule(), refreshCompliance()]);
    renderHeader(overview);
    renderSchedule();
    renderFleet(overview);
    renderCompliance();
    renderVm();
    renderControls();
    noticeFinished(allVms().flatMap((vm) => (vm.latestOperation ? [vm.latestOperation] : [])));
    state.failures = 0;
    setConnection('Live', 'ok-text');
  } catch (error) {
    state.failures += 1;
    if (error instanceof RequestError && (error.status === 401 || error.status === 403)) {
      setConnection('The emulator wants an admin key: enter it under “Admin key”', 'bad-text');
    } else {
      setConnection(`Not connected (${error.message}); trying again`, 'bad-text');
    }
  } finally {
    refreshing = false;
    if (!document.hidden) timer = setTimeout(refresh, state.failures > 0 ? RETRY_MS : POLL_MS);
  }
}

// ---- Schedule (Microsoft.Maintenance) -------------------------------------------------------------

async function refreshSchedule() {
  state.schedule = await admin('GET', '/_emulator/maintenance');
}

const lastSegment = (id) => String(id).split('/').pop();

function renderSchedule() {
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

/** Runs an action, reports its failure in the alert, and refreshes at once. */
async function act(work) {
  showAlert('');
  try {
    await work();
  } catch (error) {
    showAlert(error instanceof RequestError ? `${error.code}: ${error.message}` : error.message);
  }
  state.complianceStale = true;
  await refresh();
}

// ---- Controls -------------------------------------------------------------------------------------

const list = (text) =>
  String(text ?? '')
    .split(/[,\s]+/)
    .map((s) => s.trim())
    .filter(Boolean);

const kbList = (text) => list(text).map((kb) => (/^\d+$/.test(kb) ? `KB${kb}` : kb));

function installBody(form, vm) {
  const data = new FormData(form);
  const body = { maximumDuration: String(data.get('maximumDuration') ?? '').trim() || 'PT4H', rebootSetting: data.get('rebootSetting') };
  if (vm.osFamily === 'Windows') {
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
async function startOperation(vm, action, body) {
  const { response } = await request('POST', `${vmPath(vm)}/${action}?api-version=${API_VERSION}`, body === undefined ? {} : { body });
  const id = response.headers.get('x-ms-request-id');
  state.operation = { id, pinned: true };
  state.detail = null;
  announce(`${KIND[action]} started on ${vm.name}.`);
  $('#operation-section').scrollIntoView({ block: 'start', behavior: matchMedia('(prefers-reduced-motion: reduce)').matches ? 'auto' : 'smooth' });
}

function selectVm(vm) {
  const changed = !state.vm || vmKey(state.vm) !== vmKey(vm);
  state.vm = { subscriptionId: vm.subscriptionId, resourceGroup: vm.resourceGroup, name: vm.name };
  if (changed) {
    state.operation = { id: null, pinned: false };
    state.detail = null;
    state.inventory = null;
    state.history = [];
  }
}

document.addEventListener('click', (event) => {
  const target = event.target.closest('[data-action]');
  if (!target) return;
  const { action } = target.dataset;
  const vm = chosenVm();
  switch (action) {
    case 'select-vm':
      selectVm({ subscriptionId: target.dataset.subscription, resourceGroup: target.dataset.group, name: target.dataset.vm });
      void refresh().then(() => $('#vm-title').scrollIntoView({ block: 'nearest' }));
      break;
    case 'select-operation':
      selectVm({ subscriptionId: target.dataset.subscription, resourceGroup: target.dataset.group, name: target.dataset.vm });
      state.operation = { id: target.dataset.operation, pinned: true };
      state.detail = null;
      void refresh();
      break;
    case 'power':
      if (vm) void act(() => startOperation(vm, target.dataset.power));
      break;
    case 'open-window': {
      const [subscriptionId, group, name] = target.dataset.target.split('/');
      void act(() => admin('POST', `/_emulator/maintenance/${encodeURIComponent(subscriptionId)}/${encodeURIComponent(group)}/${encodeURIComponent(name)}/open`, {}));
      break;
    }
    case 'poll-status':
      if (vm && state.detail) {
        const url = `/subscriptions/${encodeURIComponent(vm.subscriptionId)}/providers/Microsoft.Compute/locations/${encodeURIComponent(vm.location)}/operations/${encodeURIComponent(state.detail.operationId)}?api-version=${API_VERSION}`;
        void act(() => request('GET', url));
      }
      break;
    case 'advance':
      void act(() => admin('POST', '/_emulator/clock', { advance: target.dataset.by }));
      break;
    case 'delete-scenario':
      void act(async () => {
        await admin('DELETE', `/_emulator/scenarios/${encodeURIComponent(target.dataset.id)}`);
        state.rulesStale = true;
      });
      break;
    case 'delete-fault':
      void act(async () => {
        await admin('DELETE', `/_emulator/faults/${encodeURIComponent(target.dataset.id)}`);
        state.rulesStale = true;
      });
      break;
  }
});

$('#install-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const vm = chosenVm();
  if (vm) void act(() => startOperation(vm, 'installPatches', installBody(event.target, vm)));
});

$('#assess').addEventListener('click', () => {
  const vm = chosenVm();
  if (vm) void act(() => startOperation(vm, 'assessPatches'));
});

$('#freeze').addEventListener('click', () => {
  const frozen = state.overview?.clock.frozen ?? false;
  void act(() => admin('POST', '/_emulator/clock', { frozen: !frozen }));
});

$('#advance-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const advance = String(new FormData(event.target).get('advance') ?? '').trim();
  void act(() => admin('POST', '/_emulator/clock', { advance }));
});

$('#speed-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const speed = Number(new FormData(event.target).get('speed'));
  void act(() => admin('POST', '/_emulator/clock', { speed }));
});

$('#completion-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const mode = String(new FormData(event.target).get('mode'));
  void act(() => admin('PUT', '/_emulator/completion', { default: mode }));
});

$('#scenario-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const data = new FormData(event.target);
  const match = {};
  const target = allVms().find((vm) => vmKey(vm) === data.get('vm'));
  if (target) Object.assign(match, { subscriptionId: target.subscriptionId, resourceGroup: target.resourceGroup, vmName: target.name });
  if (data.get('operation')) match.operation = data.get('operation');
  const outcome = {};
  if (data.get('status')) outcome.status = data.get('status');
  if (data.get('rebootStatus')) outcome.rebootStatus = data.get('rebootStatus');
  const fail = list(data.get('failPatches'));
  if (fail.length) outcome.failPatches = fail;
  if (data.get('maintenanceWindowExceeded')) outcome.maintenanceWindowExceeded = true;
  const duration = String(data.get('duration') ?? '').trim();
  if (duration) outcome.duration = duration;
  const scenario = { match, outcome };
  if (data.get('remaining')) scenario.remaining = Number(data.get('remaining'));
  void act(async () => {
    await admin('POST', '/_emulator/scenarios', scenario);
    state.rulesStale = true;
    announce('Scenario added.');
  });
});

function showEffectFields() {
  const kind = $('#fault-effect').value;
  for (const element of document.querySelectorAll('[data-for-effect]')) {
    const shown = element.dataset.forEffect.split(' ').includes(kind);
    element.hidden = !shown;
    for (const input of element.querySelectorAll('input, select')) input.disabled = !shown;
  }
}

$('#fault-effect').addEventListener('change', showEffectFields);

$('#fault-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const data = new FormData(event.target);
  const kind = data.get('kind');
  const effect = { kind };
  if (kind === 'error') effect.statusCode = Number(data.get('statusCode'));
  if ((kind === 'error' || kind === 'throttle') && data.get('retryAfterSeconds') !== '') effect.retryAfterSeconds = Number(data.get('retryAfterSeconds'));
  if (kind === 'latency') effect.delayMs = Number(data.get('delayMs'));
  const fault = { match: data.get('operation') ? { operation: data.get('operation') } : {}, effect };
  if (data.get('probability')) fault.probability = Number(data.get('probability'));
  if (data.get('remaining')) fault.remaining = Number(data.get('remaining'));
  void act(async () => {
    await admin('POST', '/_emulator/faults', fault);
    state.rulesStale = true;
    announce('Fault added.');
  });
});

$('#reset').addEventListener('click', () => {
  if (!window.confirm('Reset the emulator to its seed? Operations, scenarios, faults and the clock go back to the start.')) return;
  void act(async () => {
    await admin('POST', '/_emulator/reset', {});
    state.operation = { id: null, pinned: false };
    state.detail = null;
    state.seen.clear();
    state.rulesStale = true;
    announce('The emulator was reset.');
  });
});

$('#key-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const key = String(new FormData(event.target).get('key') ?? '');
  if (key) sessionStorage.setItem(KEY_STORAGE, key);
  else sessionStorage.removeItem(KEY_STORAGE);
  event.target.reset();
  void refresh();
});

function applyTextSize(large) {
  document.documentElement.classList.toggle('large', large);
  const button = $('#text-size');
  button.setAttribute('aria-pressed', String(large));
  localStorage.setItem(TEXT_SIZE_STORAGE, large ? '1' : '');
}

$('#text-size').addEventListener('click', () => applyTextSize(!document.documentElement.classList.contains('large')));

// An opened patch list stays open when the panel is drawn again.
document.addEventListener(
  'toggle',
  (event) => {
    if (event.target.dataset?.list === 'inventory') state.inventoryOpen = event.target.open;
  },
  true,
);

document.addEventListener('visibilitychange', () => {
  if (!document.hidden) void refresh();
});

// ---- Start ----------------------------------------------------------------------------------------

// ?key=... in the page's address: kept for this tab, then taken out of the address bar (and so out
// of a projected screen and the browser history).
const params = new URLSearchParams(location.search);
if (params.has('key')) {
  sessionStorage.setItem(KEY_STORAGE, params.get('key') ?? '');
  params.delete('key');
  const query = params.toString();
  history.replaceState(null, '', `${location.pathname}${query ? `?${query}` : ''}${location.hash}`);
}
applyTextSize(localStorage.getItem(TEXT_SIZE_STORAGE) === '1');
showEffectFields();
void refresh();
