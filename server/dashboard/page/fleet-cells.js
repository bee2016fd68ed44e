// @ts-check
// Cells the fleet table shares between VMs and Arc machines.

import { html } from './html.js';
import { badge, kindText, progressBar, shownStatus } from './format.js';

/** @typedef {import('../view-model.js').ClassificationCount} ClassificationCount */

/** @param {{ kind: string, status: string, resultStatus?: string, progress: number } | null} op */
export function latestCell(op) {
  if (!op) return html`<span class="faint-text">None yet</span>`;
  return html`<span class="latest">${kindText(op.kind)} ${badge(shownStatus(op))}
    ${op.status === 'InProgress' ? progressBar(op, `${kindText(op.kind)}: progress`) : ''}</span>`;
}

/** The total, and the classifications that have patches (the VM's panel has the full table). */
/** @param {{ availablePatchCount: number, availableByClassification: ClassificationCount[] }} vm */
export function availableCell(vm) {
  const present = vm.availableByClassification.filter((c) => c.count > 0);
  return html`<strong data-field="available">${vm.availablePatchCount}</strong>
    <span class="breakdown">${present.map((c, i) => html`${i > 0 ? ', ' : ''}<span class="nowrap">${c.classification} ${c.count}</span>`)}</span>`;
}
