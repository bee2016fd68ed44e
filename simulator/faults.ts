// HTTP fault rules: which request a rule hits, decided from the seed and the rule's own match count,
// so a given seed gives the same sequence of faults in every run.

import type { FaultRuleBody } from '../schemas/admin.js';
import { unitDraw } from './random.js';
import { maskMatches } from './mask.js';

/** What a fault rule matches and does (schemas/admin.ts). */
export type FaultMatch = NonNullable<FaultRuleBody['match']>;
export type RequestOperation = NonNullable<FaultMatch['operation']>;
export type FaultEffect = FaultRuleBody['effect'];

export interface FaultRule {
  id: string;
  match: FaultMatch;
  effect: FaultEffect;
  /** Chance in [0, 1] that a matching request is hit; 1 when absent. */
  probability?: number;
  /** How many more requests it may hit; absent for no limit. */
  remaining?: number;
  /** Matching requests seen so far (hit or not): the index of the next draw. */
  matched: number;
}

export interface FaultTarget {
  method: string;
  path: string;
  operation: RequestOperation;
}

/** Classifies a request path for `match.operation`. */
export function requestOperation(path: string, monitor: boolean): RequestOperation {
  const lower = path.toLowerCase();
  if (lower.endsWith('/installpatches')) return 'installPatches';
  if (lower.endsWith('/assesspatches')) return 'assessPatches';
  if (/\/providers\/microsoft\.compute\/locations\/[^/]+\/operations\//.test(lower)) return monitor ? 'operationResult' : 'operationStatus';
  return 'resource';
}

function ruleMatches(rule: FaultRule, target: FaultTarget): boolean {
  const { match } = rule;
  return (
    (rule.remaining === undefined || rule.remaining > 0) &&
    (match.method === undefined || match.method.toUpperCase() === target.method.toUpperCase()) &&
    (match.path === undefined || maskMatches(match.path, target.path)) &&
    (match.operation === undefined || match.operation === target.operation)
  );
}

export interface FaultDecision {
  /** Rules whose counters moved, with their new counters. */
  updated: FaultRule[];
  /** Effects to apply, in rule order: latency first, then at most one terminal effect. */
  effects: FaultEffect[];
}

export function decideFaults(rules: readonly FaultRule[], target: FaultTarget, seed: string): FaultDecision {
  const updated: FaultRule[] = [];
  const effects: FaultEffect[] = [];
  let terminal = false;
  for (const rule of rules) {
    if (!ruleMatches(rule, target)) continue;
    if (terminal && rule.effect.kind !== 'latency') continue;
    const draw = unitDraw(seed, 'fault', rule.id, String(rule.matched));
    const hit = draw < (rule.probability ?? 1);
    updated.push({ ...rule, matched: rule.matched + 1, ...(hit && rule.remaining !== undefined ? { remaining: rule.remaining - 1 } : {}) });
    if (!hit) continue;
    effects.push(rule.effect);
    if (rule.effect.kind !== 'latency') terminal = true;
  }
  return { updated, effects: [...effects.filter((e) => e.kind === 'latency'), ...effects.filter((e) => e.kind !== 'latency')] };
}
