// ARM's and CRP's request budgets, reported on every ARM answer and, with `--rate-limits enforce`,
// enforced with a 429 and Retry-After as ARM does, so a client's retry logic can be tested without a
// fault rule.
//
// ARM counts per subscription and hour: reads (GET, HEAD), writes (PUT, PATCH, POST) and deletes,
// and reports what is left in `x-ms-ratelimit-remaining-subscription-{reads,writes,deletes}`
// (https://learn.microsoft.com/en-us/azure/azure-resource-manager/management/request-limits-and-throttling);
// requests that name no subscription count against the tenant (`x-ms-ratelimit-remaining-tenant-*`).
// CRP adds its own budgets for guest-patch operations and operation polls
// (`x-ms-ratelimit-remaining-resource`), counted only once the resource is found.
//
// Every budget is a fixed window per key, in wall-clock time (budgets are the real service's, not the
// simulation's). Keys are only ever known subscriptions, existing VMs and existing operations, and
// each map is bounded: past its limit the oldest key is forgotten, so hostile names cannot grow memory.

import type { FastifyReply } from 'fastify';
import { ArmError, crpThrottled } from './errors.js';

export type RateLimitMode = 'report' | 'enforce';
export const RATE_LIMIT_MODES: readonly RateLimitMode[] = ['report', 'enforce'];
export type RequestCategory = 'reads' | 'writes' | 'deletes';

export interface Budget {
  capacity: number;
  windowMs: number;
}

const HOUR = 3_600_000;
/** ARM's figures: 12,000 reads, 1,200 writes and 15,000 deletes an hour per subscription. */
export const DEFAULT_BUDGETS = {
  reads: { capacity: 12_000, windowMs: HOUR },
  writes: { capacity: 1_200, windowMs: HOUR },
  deletes: { capacity: 15_000, windowMs: HOUR },
  /** CRP: guest-patch operations, per subscription and per VM, in 3 minutes (cli-recording shows 599 and 5 left). */
  guestPatchSubscription: { capacity: 600, windowMs: 180_000 },
  guestPatchVm: { capacity: 6, windowMs: 180_000 },
  /** CRP: polls of one operation a minute, and of all a subscription's in 3 minutes. */
  operationPolls: { capacity: 45, windowMs: 60_000 },
  operationPollsSubscription: { capacity: 15_000, windowMs: 180_000 },
} satisfies Record<string, Budget>;
export type Budgets = typeof DEFAULT_BUDGETS;

/** How many keys one budget remembers at most. */
export const MAX_KEYS_PER_BUDGET = 10_000;

export interface Take {
  remaining: number;
  /** Set when the budget was already spent: the seconds until its window starts again. */
  retryAfterSeconds?: number;
}

/** A fixed-window counter per key, bounded in keys. */
export class WindowCounter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(readonly budget: Budget, private readonly maxKeys = MAX_KEYS_PER_BUDGET) {}

  get size(): number {
    return this.windows.size;
  }

  take(key: string, now: number): Take {
    let window = this.windows.get(key);
    if (!window || now - window.start >= this.budget.windowMs) {
      if (window) this.windows.delete(key);
      window = { start: now, count: 0 };
      if (this.windows.size >= this.maxKeys) this.windows.delete(this.windows.keys().next().value!);
    } else {
      this.windows.delete(key); // re-inserted below: the map's order is least recently used first
    }
    this.windows.set(key, window);
    if (window.count >= this.budget.capacity) {
      return { remaining: 0, retryAfterSeconds: Math.max(1, Math.ceil((window.start + this.budget.windowMs - now) / 1000)) };
    }
    window.count++;
    return { remaining: this.budget.capacity - window.count };
  }
}

export function categoryOf(method: string): RequestCategory {
  if (method === 'GET' || method === 'HEAD') return 'reads';
  if (method === 'DELETE') return 'deletes';
  return 'writes';
}

const CATEGORY_WORD: Record<RequestCategory, string> = { reads: 'read', writes: 'write', deletes: 'delete' };

export class RateLimits {
  private readonly subscription: Record<RequestCategory, WindowCounter>;
  private readonly guestPatchSubscription: WindowCounter;
  private readonly guestPatchVm: WindowCounter;
  private readonly operationPolls: WindowCounter;
  private readonly operationPollsSubscription: WindowCounter;

  constructor(
    readonly mode: RateLimitMode,
    budgets: Partial<Budgets> = {},
    private readonly now: () => number = Date.now,
    maxKeys = MAX_KEYS_PER_BUDGET,
  ) {
    const b = { ...DEFAULT_BUDGETS, ...budgets };
    this.subscription = { reads: new WindowCounter(b.reads, maxKeys), writes: new WindowCounter(b.writes, maxKeys), deletes: new WindowCounter(b.deletes, maxKeys) };
    this.guestPatchSubscription = new WindowCounter(b.guestPatchSubscription, maxKeys);
    this.guestPatchVm = new WindowCounter(b.guestPatchVm, maxKeys);
    this.operationPolls = new WindowCounter(b.operationPolls, maxKeys);
    this.operationPollsSubscription = new WindowCounter(b.operationPollsSubscription, maxKeys);
  }

  /** How many keys each budget holds now (what the memory bound is tested through). */
  sizes(): Record<string, number> {
    return {
      reads: this.subscription.reads.size,
      writes: this.subscription.writes.size,
      deletes: this.subscription.deletes.size,
      guestPatchSubscription: this.guestPatchSubscription.size,
      guestPatchVm: this.guestPatchVm.size,
      operationPolls: this.operationPolls.size,
      operationPollsSubscription: this.operationPollsSubscription.size,
    };
  }

  /**
   * ARM's own budget for one request. `subscriptionId` is a known subscription, or undefined for a
   * request that names none (or one that does not exist): those count against the tenant.
   */
  arm(method: string, subscriptionId: string | undefined): { headers: Record<string, string>; refusal?: ArmError } {
    const category = categoryOf(method);
    const scope = subscriptionId === undefined ? 'tenant' : 'subscription';
    const taken = this.subscription[category].take(subscriptionId?.toLowerCase() ?? '', this.now());
    const headers = { [`x-ms-ratelimit-remaining-${scope}-${category}`]: String(taken.remaining) };
    if (taken.retryAfterSeconds === undefined || this.mode !== 'enforce') return { headers };
    const budget = this.subscription[category].budget;
    // ARM's throttling answer (MicrosoftDocs/azure-docs#105248 names the code; the message follows
    // ARM's "Number of requests ... exceeded the limit of 'N' for time interval ..." form, Azure/azqr#34).
    const who = subscriptionId === undefined ? 'tenant' : `subscription '${subscriptionId}'`;
    const refusal = new ArmError(
      429,
      subscriptionId === undefined ? 'TenantRequestsThrottled' : 'SubscriptionRequestsThrottled',
      `Number of '${CATEGORY_WORD[category]}' requests for ${who} exceeded the limit of '${budget.capacity}' for time interval '${interval(budget.windowMs)}'. Please try again after '${taken.retryAfterSeconds}' seconds.`,
      { headers: { 'retry-after': String(taken.retryAfterSeconds) } },
    );
    return { headers, refusal };
  }

  /** CRP's guest-patch budgets, for a POST on a VM that exists. */
  guestPatch(subscriptionId: string, vmKey: string): { header: string; refusal?: ArmError } {
    const now = this.now();
    const sub = this.guestPatchSubscription.take(subscriptionId.toLowerCase(), now);
    const vm = this.guestPatchVm.take(vmKey.toLowerCase(), now);
    const header =
      `Microsoft.Compute/VMGuestPatchOperationSubscriptionMaximum;${sub.remaining},` +
      `Microsoft.Compute/VMGuestPatchOperationResource;${vm.remaining}`;
    if (this.mode !== 'enforce') return { header };
    if (vm.retryAfterSeconds !== undefined) {
      return { header, refusal: crpThrottled('VMGuestPatchOperationResource', this.guestPatchVm.budget.capacity, vm.retryAfterSeconds, new Date(now)) };
    }
    if (sub.retryAfterSeconds !== undefined) {
      return { header, refusal: crpThrottled('VMGuestPatchOperationSubscriptionMaximum', this.guestPatchSubscription.budget.capacity, sub.retryAfterSeconds, new Date(now)) };
    }
    return { header };
  }

  /** CRP's budgets for polls of an operation that exists. */
  operationPoll(subscriptionId: string, operationId: string): { header: string; refusal?: ArmError } {
    const now = this.now();
    const one = this.operationPolls.take(`${subscriptionId}/${operationId}`.toLowerCase(), now);
    const all = this.operationPollsSubscription.take(subscriptionId.toLowerCase(), now);
    const header = `Microsoft.Compute/GetOperationResource;${one.remaining},Microsoft.Compute/GetOperationSubscriptionMaximum;${all.remaining}`;
    if (this.mode !== 'enforce') return { header };
    const spent = one.retryAfterSeconds !== undefined ? ['GetOperationResource', this.operationPolls, one] as const : all.retryAfterSeconds !== undefined ? ['GetOperationSubscriptionMaximum', this.operationPollsSubscription, all] as const : undefined;
    if (!spent) return { header };
    return { header, refusal: crpThrottled(spent[0], spent[1].budget.capacity, spent[2].retryAfterSeconds!, new Date(now)) };
  }
}

/** A window as .NET writes a TimeSpan: '01:00:00', '00:03:00'. */
function interval(ms: number): string {
  const seconds = Math.round(ms / 1000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(Math.floor(seconds / 3600))}:${pad(Math.floor((seconds % 3600) / 60))}:${pad(seconds % 60)}`;
}

/**
 * A CRP budget's answer (guestPatch, operationPoll) on the reply: its header always, and the 429
 * when the budget is spent under `enforce`.
 */
export function chargeCrpBudget(reply: FastifyReply, charge: { header: string; refusal?: ArmError }): void {
  reply.header('x-ms-ratelimit-remaining-resource', charge.header);
  if (charge.refusal) throw charge.refusal;
}
