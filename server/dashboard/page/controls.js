// @ts-check
// The emulator's controls: the clock, the completion mode, scenarios, HTTP faults, reset and the
// admin key. Their choices come from the server's vocabulary; what they do goes through /_emulator/.

import { $, $as, html, patch } from './html.js';
import { admin, KEY_STORAGE } from './api.js';
import { kindText } from './format.js';
import { list } from './vm.js';
import { act, allVms, announce, refresh, state, vmKey, vocabulary } from './state.js';

/** @typedef {import('../view-model.js').Overview} Overview */
/** @typedef {import('../view-model.js').Scenario} Scenario */
/** @typedef {import('../view-model.js').FaultRule} FaultRule */
/** @typedef {import('../view-model.js').ScenarioList} ScenarioList */
/** @typedef {import('../view-model.js').FaultList} FaultList */

/** `polls:N` modes the page offers besides those without a number. */
const POLL_PRESETS = [2, 5];
const ORDINALS = ['', 'first', 'second', 'third', 'fourth', 'fifth'];
/** @type {Record<string, string>} */
const COMPLETION_WORDS = { time: 'on the clock (time)', instant: 'at the first status poll (instant)', sync: 'in the request itself (sync)' };
/** @type {Record<string, string>} */
const WORDS = {
  CompletedWithWarnings: 'Completed with warnings',
  NotNeeded: 'Not needed',
  operationStatus: 'Operation status polls',
  operationResult: 'Operation result reads',
  resource: 'Resource reads and writes',
  error: 'Server error',
  throttle: 'Throttling (429)',
  latency: 'Latency',
  drop: 'Dropped connection',
};
/** Words that differ by where they are. */
/** @type {Record<string, string>} */
const REBOOT_WORDS = { ...WORDS, Failed: 'Failed (the reboot fails)' };
const DEFAULT_FAULT_KIND = 'error';
const DEFAULT_STATUS_CODE = 503;

/**
 * @param {HTMLSelectElement} select
 * @param {Array<[value: string, label: string]>} options
 * @param {string} [selected]
 */
function fill(select, options, selected = options[0]?.[0]) {
  select.replaceChildren(...options.map(([value, label]) => new Option(label, value, value === selected, value === selected)));
}

/** The controls' choices, from the vocabulary. */
export function buildControls() {
  const words = vocabulary();
  const polls = POLL_PRESETS.filter((n) => n <= words.completion.maxPolls).map((n) => `polls:${n}`);
  fill($as('#completion-mode', HTMLSelectElement), [
    ...words.completion.modes.map((mode) => /** @type {[string, string]} */ ([mode, COMPLETION_WORDS[mode] ?? mode])),
    ...polls.map((mode) => {
      const n = Number(mode.slice('polls:'.length));
      return /** @type {[string, string]} */ ([mode, `at the ${ORDINALS[n] ?? `${n}th`} status poll (${mode})`]);
    }),
  ]);
  fill($as('#scenario-operation', HTMLSelectElement), [...words.scenario.operations.map((op) => /** @type {[string, string]} */ ([op, kindText(op)])), ['', 'Either']]);
  fill($as('#scenario-status', HTMLSelectElement), [['', 'As planned'], ...words.scenario.statuses.map((s) => /** @type {[string, string]} */ ([s, WORDS[s] ?? s]))]);
  fill($as('#scenario-reboot', HTMLSelectElement), [['', 'As planned'], ...words.scenario.rebootStatuses.map((s) => /** @type {[string, string]} */ ([s, REBOOT_WORDS[s] ?? s]))]);
  fill($as('#fault-operation', HTMLSelectElement), [...words.fault.operations.map((op) => /** @type {[string, string]} */ ([op, WORDS[op] ?? op])), ['', 'Any ARM request']]);
  fill(
    $as('#fault-effect', HTMLSelectElement),
    words.fault.kinds.map((kind) => [kind, WORDS[kind] ?? kind]),
    words.fault.kinds.includes(DEFAULT_FAULT_KIND) ? DEFAULT_FAULT_KIND : undefined,
  );
  fill(
    $as('#fault-status', HTMLSelectElement),
    words.fault.statusCodes.map((code) => [String(code), String(code)]),
    words.fault.statusCodes.includes(DEFAULT_STATUS_CODE) ? String(DEFAULT_STATUS_CODE) : undefined,
  );
  $as('#fault-retry', HTMLInputElement).max = String(words.fault.maxRetryAfterSeconds);
  $as('#fault-delay', HTMLInputElement).max = String(words.fault.maxDelayMs);
  showEffectFields();
}

/** @param {Scenario} s */
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

/** @param {FaultRule} f */
function describeFault(f) {
  const e = f.effect;
  const effect =
    e.kind === 'error' ? `${e.statusCode} error` : e.kind === 'throttle' ? `throttle, retry after ${e.retryAfterSeconds} s` : e.kind === 'latency' ? `${e.delayMs} ms latency` : 'dropped connection';
  const where = [f.match.method, f.match.operation ?? 'any request', f.match.path].filter(Boolean).join(' ');
  const left = f.remaining === undefined ? '' : `, ${f.remaining} left`;
  return `${where}: ${effect}${f.probability !== undefined ? ` (p=${f.probability})` : ''}${left}, matched ${f.matched}`;
}

export function renderControls() {
  const select = $as('#scenario-vm', HTMLSelectElement);
  /** @type {Array<[string, string]>} */
  const options = [['', 'Any VM'], ...allVms().map((vm) => /** @type {[string, string]} */ ([vmKey(vm), `${vm.name} (${vm.resourceGroup})`]))];
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

/** Scenarios and faults count down and count matches: read them while there are any. */
/** @param {Overview} overview */
export async function refreshRules(overview) {
  const stale = state.rulesStale;
  state.rulesStale = false;
  /** @type {{ value: [] }} */
  const none = { value: [] };
  const [scenarios, faults] = /** @type {[ScenarioList, FaultList]} */ (
    await Promise.all([
      overview.scenarios > 0 || state.scenarios.length > 0 || stale ? admin('GET', '/_emulator/scenarios') : none,
      overview.faults > 0 || state.faults.length > 0 || stale ? admin('GET', '/_emulator/faults') : none,
    ])
  );
  state.scenarios = scenarios.value;
  state.faults = faults.value;
}

/** Shows the fault form's fields for the chosen effect only. */
function showEffectFields() {
  const kind = $as('#fault-effect', HTMLSelectElement).value;
  for (const element of document.querySelectorAll('[data-for-effect]')) {
    if (!(element instanceof HTMLElement)) continue;
    const shown = (element.dataset.forEffect ?? '').split(' ').includes(kind);
    element.hidden = !shown;
    for (const input of element.querySelectorAll('input, select')) input.toggleAttribute('disabled', !shown);
  }
}

/** @param {string} selector @param {(data: FormData, form: HTMLFormElement) => void} handle */
function onSubmit(selector, handle) {
  const form = $as(selector, HTMLFormElement);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    handle(new FormData(form), form);
  });
}

/** The controls' own listeners (the page's buttons with data-action go through app.js). */
export function wireControls() {
  $('#freeze').addEventListener('click', () => {
    const frozen = state.overview?.clock.frozen ?? false;
    void act(() => admin('POST', '/_emulator/clock', { frozen: !frozen }));
  });

  onSubmit('#advance-form', (data) => {
    const advance = String(data.get('advance') ?? '').trim();
    void act(() => admin('POST', '/_emulator/clock', { advance }));
  });

  onSubmit('#speed-form', (data) => {
    const speed = Number(data.get('speed'));
    void act(() => admin('POST', '/_emulator/clock', { speed }));
  });

  onSubmit('#completion-form', (data) => {
    const mode = String(data.get('mode'));
    void act(() => admin('PUT', '/_emulator/completion', { default: mode }));
  });

  onSubmit('#scenario-form', (data) => {
    /** @type {Record<string, unknown>} */
    const match = {};
    const target = allVms().find((vm) => vmKey(vm) === data.get('vm'));
    if (target) Object.assign(match, { subscriptionId: target.subscriptionId, resourceGroup: target.resourceGroup, vmName: target.name });
    if (data.get('operation')) match.operation = data.get('operation');
    /** @type {Record<string, unknown>} */
    const outcome = {};
    if (data.get('status')) outcome.status = data.get('status');
    if (data.get('rebootStatus')) outcome.rebootStatus = data.get('rebootStatus');
    const fail = list(data.get('failPatches'));
    if (fail.length) outcome.failPatches = fail;
    if (data.get('maintenanceWindowExceeded')) outcome.maintenanceWindowExceeded = true;
    const duration = String(data.get('duration') ?? '').trim();
    if (duration) outcome.duration = duration;
    /** @type {Record<string, unknown>} */
    const scenario = { match, outcome };
    if (data.get('remaining')) scenario.remaining = Number(data.get('remaining'));
    void act(async () => {
      await admin('POST', '/_emulator/scenarios', scenario);
      state.rulesStale = true;
      announce('Scenario added.');
    });
  });

  $('#fault-effect').addEventListener('change', showEffectFields);

  onSubmit('#fault-form', (data) => {
    const kind = data.get('kind');
    /** @type {Record<string, unknown>} */
    const effect = { kind };
    if (kind === 'error') effect.statusCode = Number(data.get('statusCode'));
    if ((kind === 'error' || kind === 'throttle') && data.get('retryAfterSeconds') !== '') effect.retryAfterSeconds = Number(data.get('retryAfterSeconds'));
    if (kind === 'latency') effect.delayMs = Number(data.get('delayMs'));
    /** @type {Record<string, unknown>} */
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

  onSubmit('#key-form', (data, form) => {
    const key = String(data.get('key') ?? '');
    if (key) sessionStorage.setItem(KEY_STORAGE, key);
    else sessionStorage.removeItem(KEY_STORAGE);
    form.reset();
    void refresh();
  });
}
