// Whole-document checks of a state document (PUT /_emulator/state, --seed-file) and of a seed
// document (--seed-file): the JSON Schema of schemas/state.ts, then what a schema cannot say.
// The first bad value is reported with its path ("operations[3].plan.durationMs") and the reason,
// and nothing is changed (docs/reliability.md).

import { createRequire } from 'node:module';
import type { Ajv as AjvClass, ErrorObject, ValidateFunction } from 'ajv';
import { seedDocumentSchema, stateDocumentSchema } from '../../schemas/state.js';
import { parseCompletionMode } from '../../simulator/progress.js';
import type { Catalogues } from '../catalogues.js';

export interface DocumentProblem {
  /** Where, in JavaScript notation from the document's root: `virtualMachines[2].catalogueKey`. */
  path: string;
  reason: string;
}

// ajv is loaded on the first check, not at every start (lazy-schemas.ts says why).
const require = createRequire(import.meta.url);

let compiled: { state: ValidateFunction; seed: ValidateFunction } | undefined;
function validators() {
  if (!compiled) {
    const { Ajv } = require('ajv') as { Ajv: typeof AjvClass };
    const addFormats = require('ajv-formats') as (ajv: AjvClass) => AjvClass;
    const ajv = new Ajv({ allErrors: false, strict: false, discriminator: true });
    addFormats(ajv);
    compiled = { state: ajv.compile(stateDocumentSchema), seed: ajv.compile(seedDocumentSchema) };
  }
  return compiled;
}

function pathOf(instancePath: string, extra?: string): string {
  const segments = instancePath.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (extra !== undefined) segments.push(extra);
  return segments.reduce((path, segment) => (/^\d+$/.test(segment) ? `${path}[${segment}]` : path === '' ? segment : `${path}.${segment}`), '');
}

function problemOf(error: ErrorObject): DocumentProblem {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return { path: pathOf(error.instancePath, String(params.missingProperty)), reason: 'is required' };
    case 'additionalProperties':
      return { path: pathOf(error.instancePath, String(params.additionalProperty)), reason: 'is not a known property' };
    case 'enum':
      return { path: pathOf(error.instancePath), reason: `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}` };
    case 'const':
      return { path: pathOf(error.instancePath), reason: `must be ${JSON.stringify(params.allowedValue)}` };
    default:
      return { path: pathOf(error.instancePath) || '(the document)', reason: error.message ?? 'is invalid' };
  }
}

const lower = (text: string) => text.toLowerCase();

/** The first problem of a state document, or undefined when it can be imported as it is. */
export function checkStateDocument(document: unknown, catalogues: Catalogues): DocumentProblem | undefined {
  const validate = validators().state;
  if (!validate(document)) return problemOf(validate.errors![0]!);
  const doc = document as {
    control: { completion: { default: string; rules: Array<{ mode: string }> } };
    resourceGroups: Array<{ subscriptionId: string; name: string }>;
    virtualMachines: Array<{ subscriptionId: string; resourceGroup: string; name: string; catalogueKey: string; osFamily: string; timeCreated: string }>;
    arcMachines?: Array<{ subscriptionId: string; resourceGroup: string; name: string; catalogueKey: string; osFamily: string; timeCreated: string; lastStatusChange: string }>;
    operations: Array<{ subscriptionId: string; id: string; kind: string; status: string; endMs: number | null; plan: { kind: string; action?: string } }>;
  };
  if (!parseCompletionMode(doc.control.completion.default)) return { path: 'control.completion.default', reason: 'is not instant, polls:N (1-1000) or time' };
  const badRule = doc.control.completion.rules.findIndex((rule) => !parseCompletionMode(rule.mode));
  if (badRule >= 0) return { path: `control.completion.rules[${badRule}].mode`, reason: 'is not instant, polls:N (1-1000) or time' };

  const groups = new Set<string>();
  for (const [i, group] of doc.resourceGroups.entries()) {
    const key = `${lower(group.subscriptionId)}/${lower(group.name)}`;
    if (groups.has(key)) return { path: `resourceGroups[${i}].name`, reason: `repeats the resource group '${group.name}'` };
    groups.add(key);
  }
  const vms = new Set<string>();
  for (const [i, vm] of doc.virtualMachines.entries()) {
    const group = `${lower(vm.subscriptionId)}/${lower(vm.resourceGroup)}`;
    if (!groups.has(group)) return { path: `virtualMachines[${i}].resourceGroup`, reason: `names a resource group the document does not have ('${vm.resourceGroup}')` };
    const key = `${group}/${lower(vm.name)}`;
    if (vms.has(key)) return { path: `virtualMachines[${i}].name`, reason: `repeats the virtual machine '${vm.name}'` };
    vms.add(key);
    const catalogue = catalogues.get(vm.catalogueKey);
    if (!catalogue) return { path: `virtualMachines[${i}].catalogueKey`, reason: `names no catalogue; known: ${[...catalogues.keys()].join(', ')}` };
    if (catalogue.osFamily !== vm.osFamily) return { path: `virtualMachines[${i}].osFamily`, reason: `is not the catalogue's (${catalogue.osFamily})` };
    if (!Number.isFinite(Date.parse(vm.timeCreated))) return { path: `virtualMachines[${i}].timeCreated`, reason: 'is not a time' };
  }
  const machines = new Set<string>();
  for (const [i, machine] of (doc.arcMachines ?? []).entries()) {
    const group = `${lower(machine.subscriptionId)}/${lower(machine.resourceGroup)}`;
    if (!groups.has(group)) return { path: `arcMachines[${i}].resourceGroup`, reason: `names a resource group the document does not have ('${machine.resourceGroup}')` };
    const key = `${group}/${lower(machine.name)}`;
    if (machines.has(key)) return { path: `arcMachines[${i}].name`, reason: `repeats the Arc machine '${machine.name}'` };
    machines.add(key);
    const catalogue = catalogues.get(machine.catalogueKey);
    if (!catalogue) return { path: `arcMachines[${i}].catalogueKey`, reason: `names no catalogue; known: ${[...catalogues.keys()].join(', ')}` };
    if (catalogue.osFamily !== machine.osFamily) return { path: `arcMachines[${i}].osFamily`, reason: `is not the catalogue's (${catalogue.osFamily})` };
    if (!Number.isFinite(Date.parse(machine.timeCreated))) return { path: `arcMachines[${i}].timeCreated`, reason: 'is not a time' };
    if (!Number.isFinite(Date.parse(machine.lastStatusChange))) return { path: `arcMachines[${i}].lastStatusChange`, reason: 'is not a time' };
  }
  const operations = new Set<string>();
  for (const [i, operation] of doc.operations.entries()) {
    const key = `${lower(operation.subscriptionId)}/${lower(operation.id)}`;
    if (operations.has(key)) return { path: `operations[${i}].id`, reason: `repeats the operation '${operation.id}'` };
    operations.add(key);
    const planKind = operation.plan.kind === 'powerAction' ? operation.plan.action : operation.plan.kind;
    if (planKind !== operation.kind) return { path: `operations[${i}].plan.kind`, reason: `is a plan for ${planKind}, not ${operation.kind}` };
    if ((operation.status === 'InProgress') !== (operation.endMs === null)) {
      return { path: `operations[${i}].endMs`, reason: operation.status === 'InProgress' ? 'must be null while the operation is in progress' : 'is required once the operation has ended' };
    }
  }
  return undefined;
}

/** The first problem of a seed document (data/seed.json's shape), or undefined. */
export function checkSeedDocument(document: unknown): DocumentProblem | undefined {
  const validate = validators().seed;
  return validate(document) ? undefined : problemOf(validate.errors![0]!);
}
