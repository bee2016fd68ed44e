// @ts-check
// The emulator's dashboard. It reads the server's vocabulary once (the api-version it sends, the
// values its forms offer), then asks the emulator what is happening once a second (GET
// /_emulator/overview and, for the chosen VM, its operations and patches) and drives it only
// through the emulator's own APIs: the ARM API for patch runs and power actions, the admin API
// under /_emulator/ for the clock, scenarios, faults and reset. No framework, nothing fetched from
// anywhere but this emulator. Each view is a module beside this one; the types of what the server
// sends are in ../view-model.ts.

import { $, $as } from './html.js';
import { admin, KEY_STORAGE, RequestError } from './api.js';
import { countsText, kindText, shownStatus, statusText } from './format.js';
import { renderFleet, renderHeader } from './fleet.js';
import { buildVmForms, installBody, pollStatus, refreshVm, renderVm, selectVm, startOperation } from './vm.js';
import { buildControls, refreshRules, renderControls, wireControls } from './controls.js';
import { openWindow, refreshSchedule, renderSchedule } from './schedule.js';
import { refreshCompliance, renderCompliance } from './compliance.js';
import { act, allVms, announce, chosenVm, messageOf, onRefresh, setConnection, state } from './state.js';

/** @typedef {import('../view-model.js').Overview} Overview */
/** @typedef {import('../view-model.js').OperationSummary} OperationSummary */
/** @typedef {import('../view-model.js').Vocabulary} Vocabulary */

const POLL_MS = 1000;
const RETRY_MS = 3000;
const TEXT_SIZE_STORAGE = 'cpe-large-text';

/** Announces operations seen running that have now finished. */
/** @param {OperationSummary[]} operations */
function noticeFinished(operations) {
  for (const op of operations) {
    const before = state.seen.get(op.operationId);
    const now = shownStatus(op);
    if (before === 'InProgress' && now !== 'InProgress') {
      const counts = countsText(op);
      announce(`${kindText(op.kind)} on ${op.vmName}: ${statusText(now)}${counts ? `, ${counts}` : ''}.`);
      // A finished run is in Resource Graph now: the compliance view asks again at the next refresh.
      state.complianceStale = true;
    }
    state.seen.set(op.operationId, now);
  }
}

/** @type {ReturnType<typeof setTimeout> | undefined} */
let timer;
let refreshing = false;

async function refresh() {
  if (refreshing) return;
  refreshing = true;
  clearTimeout(timer);
  try {
    if (!state.vocabulary) start(/** @type {Vocabulary} */ (await admin('GET', '/_emulator/ui/vocabulary')));
    const overview = /** @type {Overview} */ (await admin('GET', '/_emulator/overview'));
    state.overview = overview;
    await Promise.all([refreshVm(), refreshRules(overview), refreshSchedule(), refreshCompliance()]);
    renderHeader(overview);
    renderSchedule();
    renderFleet(overview);
    renderCompliance();
    renderVm();
    renderControls();
    noticeFinished(state.history);
    noticeFinished(allVms().flatMap((vm) => (vm.latestOperation ? [vm.latestOperation] : [])));
    state.failures = 0;
    setConnection('Live', 'ok-text');
  } catch (error) {
    state.failures += 1;
    if (error instanceof RequestError && (error.status === 401 || error.status === 403)) {
      setConnection('The emulator wants an admin key: enter it under “Admin key”', 'bad-text');
    } else {
      setConnection(`Not connected (${messageOf(error)}); trying again`, 'bad-text');
    }
  } finally {
    refreshing = false;
    if (!document.hidden) timer = setTimeout(refresh, state.failures > 0 ? RETRY_MS : POLL_MS);
  }
}
onRefresh(refresh);

/** The forms, once the server has said what they offer. */
/** @param {Vocabulary} vocabulary */
function start(vocabulary) {
  state.vocabulary = vocabulary;
  buildVmForms();
  buildControls();
}

document.addEventListener('click', (event) => {
  const target = event.target instanceof Element ? event.target.closest('[data-action]') : null;
  if (!(target instanceof HTMLElement)) return;
  const { action, subscription = '', group = '', vm: vmName = '' } = target.dataset;
  const vm = chosenVm();
  switch (action) {
    case 'select-vm':
      selectVm({ subscriptionId: subscription, resourceGroup: group, name: vmName });
      void refresh().then(() => $('#vm-title').scrollIntoView({ block: 'nearest' }));
      break;
    case 'select-operation':
      selectVm({ subscriptionId: subscription, resourceGroup: group, name: vmName });
      state.operation = { id: target.dataset.operation ?? null, pinned: true };
      state.detail = null;
      void refresh();
      break;
    case 'power': {
      const power = target.dataset.power;
      if (vm && power) void act(() => startOperation(vm, power));
      break;
    }
    case 'open-window':
      void act(() => openWindow(target.dataset.target ?? ''));
      break;
    case 'poll-status': {
      const detail = state.detail;
      if (vm && detail) void act(() => pollStatus(vm, detail.operationId));
      break;
    }
    case 'advance':
      void act(() => admin('POST', '/_emulator/clock', { advance: target.dataset.by }));
      break;
    case 'delete-scenario':
      void act(async () => {
        await admin('DELETE', `/_emulator/scenarios/${encodeURIComponent(target.dataset.id ?? '')}`);
        state.rulesStale = true;
      });
      break;
    case 'delete-fault':
      void act(async () => {
        await admin('DELETE', `/_emulator/faults/${encodeURIComponent(target.dataset.id ?? '')}`);
        state.rulesStale = true;
      });
      break;
  }
});

const installForm = $as('#install-form', HTMLFormElement);
installForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const vm = chosenVm();
  if (vm) void act(() => startOperation(vm, 'installPatches', installBody(installForm, vm)));
});

$('#assess').addEventListener('click', () => {
  const vm = chosenVm();
  if (vm) void act(() => startOperation(vm, 'assessPatches'));
});

wireControls();

/** @param {boolean} large */
function applyTextSize(large) {
  document.documentElement.classList.toggle('large', large);
  $('#text-size').setAttribute('aria-pressed', String(large));
  localStorage.setItem(TEXT_SIZE_STORAGE, large ? '1' : '');
}

$('#text-size').addEventListener('click', () => applyTextSize(!document.documentElement.classList.contains('large')));

// An opened patch list stays open when the panel is drawn again.
document.addEventListener(
  'toggle',
  (event) => {
    if (event.target instanceof HTMLDetailsElement && event.target.dataset.list === 'inventory') state.inventoryOpen = event.target.open;
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
void refresh();
