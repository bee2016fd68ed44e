// @ts-check
// Talking to the emulator: the ARM API with a bearer token (any is accepted), the admin API under
// /_emulator/ with the admin key when one was given. Nothing is asked of any other server.

/** @typedef {import('../view-model.js').Vocabulary} Vocabulary */

/** The emulator accepts any bearer token. */
const ARM_HEADERS = { authorization: 'Bearer dashboard' };
export const KEY_STORAGE = 'cpe-admin-key';

export function adminKey() {
  return sessionStorage.getItem(KEY_STORAGE) ?? '';
}

export class RequestError extends Error {
  /** @param {number} status @param {string} code @param {string} message */
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/**
 * @param {string} method
 * @param {string} url
 * @param {{ body?: unknown, headers?: Record<string, string> }} [options]
 * @returns {Promise<{ response: Response, payload: unknown }>}
 */
export async function request(method, url, { body, headers = {} } = {}) {
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
  /** @type {unknown} */
  let payload = null;
  try {
    payload = text ? JSON.parse(text) : null;
  } catch {
    payload = null;
  }
  if (!response.ok) {
    const error = /** @type {{ error?: { code?: string, message?: string } } | null} */ (payload)?.error;
    throw new RequestError(response.status, error?.code ?? String(response.status), error?.message ?? (response.statusText || 'request failed'));
  }
  return { response, payload };
}

/**
 * A call to the admin API; its answer is the type the caller names (the server's view model).
 * @template [T=unknown]
 * @param {string} method
 * @param {string} url
 * @param {unknown} [body]
 * @returns {Promise<T>}
 */
export const admin = async (method, url, body) => /** @type {T} */ ((await request(method, url, body === undefined ? {} : { body })).payload);

/** @param {{ subscriptionId: string, resourceGroup: string, name: string }} vm */
export const vmPath = (vm) =>
  `/subscriptions/${encodeURIComponent(vm.subscriptionId)}/resourceGroups/${encodeURIComponent(vm.resourceGroup)}` +
  `/providers/Microsoft.Compute/virtualMachines/${encodeURIComponent(vm.name)}`;

/** @param {{ subscriptionId: string, resourceGroup: string, name: string }} vm */
export const vmQuery = (vm) =>
  `subscriptionId=${encodeURIComponent(vm.subscriptionId)}&resourceGroup=${encodeURIComponent(vm.resourceGroup)}&vmName=${encodeURIComponent(vm.name)}`;
