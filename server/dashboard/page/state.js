// @ts-check
// What the page knows between refreshes, and what every view shares: the chosen VM, the
// vocabulary the server gave, the live region, the alert, and act() for the buttons and forms.

import { RequestError } from './api.js';
import { $ } from './html.js';

/** @typedef {import('../view-model.js').Overview} Overview */
/** @typedef {import('../view-model.js').VmOverview} VmOverview */
/** @typedef {import('../view-model.js').OperationSummary} OperationSummary */
/** @typedef {import('../view-model.js').OperationDetail} OperationDetail */
/** @typedef {import('../view-model.js').Inventory} Inventory */
/** @typedef {import('../view-model.js').Scenario} Scenario */
/** @typedef {import('../view-model.js').FaultRule} FaultRule */
/** @typedef {import('../view-model.js').ScheduleView} ScheduleView */
/** @typedef {import('../view-model.js').ComplianceView} ComplianceView */
/** @typedef {import('../view-model.js').Vocabulary} Vocabulary */
/** @typedef {{ subscriptionId: string, resourceGroup: string, name: string }} VmName */

export const state = {
  /** @type {Vocabulary | null} GET /_emulator/ui/vocabulary, read once at start. */
  vocabulary: null,
  /** @type {Overview | null} */
  overview: null,
  /** @type {VmName | null} The chosen VM. */
  vm: null,
  /** @type {{ id: string | null, pinned: boolean }} The operation shown; `pinned` when chosen by hand, else the VM's latest one is followed. */
  operation: { id: null, pinned: false },
  /** @type {OperationDetail | null} */
  detail: null,
  /** @type {OperationSummary[]} */
  history: [],
  /** @type {Inventory | null} */
  inventory: null,
  /** @type {Scenario[]} */
  scenarios: [],
  /** @type {FaultRule[]} */
  faults: [],
  /** @type {Map<string, string>} Last status seen per operation, to announce the ones that finish. */
  seen: new Map(),
  failures: 0,
  /** Scenarios or faults changed here: read them again. */
  rulesStale: true,
  inventoryOpen: false,
  /** @type {ScheduleView | null} GET /_emulator/maintenance. */
  schedule: null,
  /** @type {ComplianceView | null} GET /_emulator/compliance; stale after an action. */
  compliance: null,
  complianceStale: true,
};

/** The vocabulary, once read (the page reads it before it draws anything). */
export function vocabulary() {
  if (!state.vocabulary) throw new Error('the vocabulary has not been read yet');
  return state.vocabulary;
}

/** @param {VmName} vm */
export const vmKey = (vm) => `${vm.subscriptionId}/${vm.resourceGroup}/${vm.name}`.toLowerCase();

/** @returns {VmOverview[]} */
export function allVms() {
  return (state.overview?.subscriptions ?? []).flatMap((s) => s.resourceGroups.flatMap((g) => g.virtualMachines));
}

/** @returns {VmOverview | undefined} */
export function chosenVm() {
  const chosen = state.vm;
  return chosen ? allVms().find((vm) => vmKey(vm) === vmKey(chosen)) : undefined;
}

/** @param {string} text */
export function announce(text) {
  const region = $('#announcer');
  region.textContent = '';
  // A fresh text node is what screen readers notice.
  setTimeout(() => (region.textContent = text), 50);
}

/** @param {string} message */
export function showAlert(message) {
  const alert = $('#alert');
  if (!message) {
    alert.hidden = true;
    alert.textContent = '';
    return;
  }
  alert.hidden = false;
  alert.textContent = message;
}

/** @param {string} text @param {string} tone */
export function setConnection(text, tone) {
  const element = $('#connection');
  element.textContent = text;
  element.className = `connection ${tone}`;
}

/** @type {() => Promise<void>} */
let refreshNow = async () => {};

/** The page's loop (app.js) says how to refresh at once. */
/** @param {() => Promise<void>} refresh */
export function onRefresh(refresh) {
  refreshNow = refresh;
}

export const refresh = () => refreshNow();

/** @param {unknown} error */
export const messageOf = (error) => (error instanceof Error ? error.message : String(error));

/** Runs an action, reports its failure in the alert, and refreshes at once. */
/** @param {() => Promise<unknown>} work */
export async function act(work) {
  showAlert('');
  try {
    await work();
  } catch (error) {
    showAlert(error instanceof RequestError ? `${error.code}: ${error.message}` : messageOf(error));
  }
  state.complianceStale = true;
  await refreshNow();
}
