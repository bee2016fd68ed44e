// Rate-limit headers on every ARM answer, `--rate-limits enforce`, and the budgets' bound in memory:
// names that exist nowhere key no budget.

import t from 'tap';
import { buildApp } from '../../server/app.js';
import { parseConfig } from '../../server/config.js';
import { MAX_KEYS_PER_BUDGET, RateLimits, WindowCounter } from '../../server/arm/rate-limits.js';
import { AUTH, get, installUrl, post, SPEC_EXAMPLE_BODY, SUBSCRIPTION, testEmulator, testServices, vmPath, WINDOWS_VM } from '../helpers.js';

t.test('every ARM answer carries its budget: reads, writes, deletes, errors included', async (t) => {
  const { app } = testEmulator(t);
  const read = await get(app, `${vmPath(WINDOWS_VM)}?api-version=2024-07-01`);
  t.equal(read.headers['x-ms-ratelimit-remaining-subscription-reads'], '11999');
  const error = await get(app, `${vmPath('missing')}?api-version=2024-07-01`);
  t.equal(error.statusCode, 404);
  t.equal(error.headers['x-ms-ratelimit-remaining-subscription-reads'], '11998', 'an error answer counts and says so');
  const badVersion = await get(app, `${vmPath(WINDOWS_VM)}?api-version=1999-01-01`);
  t.equal(badVersion.headers['x-ms-ratelimit-remaining-subscription-reads'], '11997');
  const write = await post(app, installUrl(WINDOWS_VM), SPEC_EXAMPLE_BODY);
  t.equal(write.headers['x-ms-ratelimit-remaining-subscription-writes'], '1199');
  t.match(write.headers['x-ms-ratelimit-remaining-resource'], /^Microsoft\.Compute\/VMGuestPatchOperationSubscriptionMaximum;599,Microsoft\.Compute\/VMGuestPatchOperationResource;5$/);
  const remove = await app.inject({ method: 'DELETE', url: `${vmPath('never')}?api-version=2024-07-01`, headers: AUTH });
  t.equal(remove.headers['x-ms-ratelimit-remaining-subscription-deletes'], '14999');
  const unknownType = await get(app, `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Compute/fooBars?api-version=2024-07-01`);
  t.ok(unknownType.headers['x-ms-ratelimit-remaining-subscription-reads'], 'a path no route serves too');
  const tenant = await get(app, '/subscriptions?api-version=2022-12-01');
  t.ok(tenant.headers['x-ms-ratelimit-remaining-tenant-reads'], 'no subscription: the tenant budget');
  const unknownSubscription = await get(app, '/subscriptions/66666666-6666-4666-8666-666666666666/resourcegroups?api-version=2024-03-01');
  t.ok(unknownSubscription.headers['x-ms-ratelimit-remaining-tenant-reads'], 'an unknown subscription keys nothing of its own');
});

t.test('--rate-limits enforce answers 429 with Retry-After when a budget is spent', async (t) => {
  t.equal(parseConfig(['--rate-limits', 'enforce'], {}).rateLimits, 'enforce');
  t.equal(parseConfig([], { CPE_RATE_LIMITS: 'enforce' }).rateLimits, 'enforce');
  t.throws(() => parseConfig(['--rate-limits', 'sometimes'], {}), /--rate-limits: expected report or enforce/);

  // ARM's write budget, shrunk to 3 a minute, on a clock the test moves.
  const services = testServices();
  let now = 1_000_000;
  const app = buildApp(services, { retryAfterSeconds: 0, rateLimits: new RateLimits('enforce', { writes: { capacity: 3, windowMs: 60_000 } }, () => now) });
  t.teardown(async () => {
    await app.close();
    services.close();
  });
  for (let i = 0; i < 3; i++) t.equal((await app.inject({ method: 'PUT', url: `/subscriptions/${SUBSCRIPTION}/resourcegroups/g${i}?api-version=2024-03-01`, headers: AUTH, payload: { location: 'westus' } })).statusCode, 201);
  const throttled = await app.inject({ method: 'PUT', url: `/subscriptions/${SUBSCRIPTION}/resourcegroups/g9?api-version=2024-03-01`, headers: AUTH, payload: { location: 'westus' } });
  t.equal(throttled.statusCode, 429);
  t.equal(throttled.headers['retry-after'], '60');
  t.equal(throttled.headers['x-ms-ratelimit-remaining-subscription-writes'], '0');
  t.same(throttled.json().error, {
    code: 'SubscriptionRequestsThrottled',
    message: `Number of 'write' requests for subscription '${SUBSCRIPTION}' exceeded the limit of '3' for time interval '00:01:00'. Please try again after '60' seconds.`,
  });
  t.equal((await get(app, `/subscriptions/${SUBSCRIPTION}/resourcegroups/g0?api-version=2024-03-01`)).statusCode, 200, 'reads have their own budget');
  now += 60_000;
  t.equal((await app.inject({ method: 'PUT', url: `/subscriptions/${SUBSCRIPTION}/resourcegroups/g9?api-version=2024-03-01`, headers: AUTH, payload: { location: 'westus' } })).statusCode, 201, 'a new window');
});

t.test('enforce: the VM guest-patch budget (6 in 3 minutes) answers CRP\'s 429', async (t) => {
  const services = testServices();
  const app = buildApp(services, { retryAfterSeconds: 0, rateLimits: 'enforce' });
  t.teardown(async () => {
    await app.close();
    services.close();
  });
  for (let i = 0; i < 6; i++) t.equal((await post(app, `${vmPath(WINDOWS_VM)}/assessPatches?api-version=2024-07-01`, undefined)).statusCode, 202);
  const throttled = await post(app, `${vmPath(WINDOWS_VM)}/assessPatches?api-version=2024-07-01`, undefined);
  t.equal(throttled.statusCode, 429);
  t.match(throttled.headers['retry-after'], /^\d+$/);
  t.match(throttled.json().error, { code: 'OperationNotAllowed', details: [{ code: 'TooManyRequests', target: 'VMGuestPatchOperationResource' }] });
  t.equal((await post(app, `${vmPath('myLinuxVMName')}/assessPatches?api-version=2024-07-01`, undefined)).statusCode, 202, 'another VM has its own');
});

t.test('names that exist nowhere key no budget; every budget is bounded', async (t) => {
  const { app } = testEmulator(t);
  const long = 'x'.repeat(1000);
  for (let i = 0; i < 1000; i++) {
    const response = await post(app, `${vmPath(`${long}${i}`)}/installPatches?api-version=2024-07-01`, SPEC_EXAMPLE_BODY);
    if (response.statusCode !== 404) t.fail(`expected 404, got ${response.statusCode}`);
  }
  for (let i = 0; i < 200; i++) await get(app, `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Compute/locations/westus/operations/${long}${i}?api-version=2024-07-01`);
  const sizes = app.rateLimits.sizes();
  t.equal(sizes.guestPatchVm, 0, 'no VM budget for VMs that do not exist');
  t.equal(sizes.guestPatchSubscription, 0);
  t.equal(sizes.operationPolls, 0, 'no poll budget for operations that do not exist');
  t.equal(sizes.writes, 1, 'one subscription, one key');

  const counter = new WindowCounter({ capacity: 5, windowMs: 60_000 }, 1000);
  for (let i = 0; i < 50_000; i++) counter.take(`key-${i}`, i);
  t.equal(counter.size, 1000, 'a counter never holds more keys than its bound');
  t.ok(MAX_KEYS_PER_BUDGET <= 10_000);
});
