// @ts-check
// Safe HTML for the dashboard: every value interpolated into html`...` is escaped unless it is
// itself html`...`; patch() redraws an element only when its content changed.

export class Html {
  /** @param {string} text */
  constructor(text) {
    this.text = text;
  }
  toString() {
    return this.text;
  }
}

/** @param {unknown} value */
function escapeHtml(value) {
  return String(value).replace(/[&<>"']/g, (c) => /** @type {Record<string, string>} */ ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

/** @param {unknown} value @returns {string} */
export function fragment(value) {
  if (value instanceof Html) return value.text;
  if (Array.isArray(value)) return value.map(fragment).join('');
  if (value === null || value === undefined || value === false) return '';
  return escapeHtml(value);
}

/**
 * @param {TemplateStringsArray} strings
 * @param {...unknown} values
 */
export function html(strings, ...values) {
  let text = strings[0] ?? '';
  values.forEach((value, i) => {
    text += fragment(value) + (strings[i + 1] ?? '');
  });
  return new Html(text);
}

/** The element the selector names; the page's own markup has it, so a missing one is a bug. */
/** @param {string} selector @returns {HTMLElement} */
export function $(selector) {
  return $as(selector, HTMLElement);
}

/**
 * The element the selector names, of the given kind (an input, a form, ...).
 * @template {Element} T
 * @param {string} selector
 * @param {{ new (): T, prototype: T }} kind
 * @returns {T}
 */
export function $as(selector, kind) {
  const element = document.querySelector(selector);
  if (!(element instanceof kind)) throw new Error(`the page has no ${kind.name} ${selector}`);
  return element;
}

/**
 * Replaces an element's content only when it changed, keeping the keyboard focus (elements with
 * the same data-focus) and the scroll positions (data-scroll) where they were.
 * @type {WeakMap<Element, string>}
 */
const rendered = new WeakMap();

/** @param {Element} element @param {unknown} content */
export function patch(element, content) {
  const text = fragment(content);
  if (rendered.get(element) === text) return;
  const active = document.activeElement;
  const focusKey = active instanceof HTMLElement && element.contains(active) ? active.dataset.focus : undefined;
  const scrolled = [...element.querySelectorAll('[data-scroll]')].flatMap((e) =>
    e instanceof HTMLElement ? [/** @type {const} */ ([e.dataset.scroll ?? '', e.scrollTop, e.scrollLeft])] : [],
  );
  element.innerHTML = text;
  rendered.set(element, text);
  for (const [key, top, left] of scrolled) {
    const again = element.querySelector(`[data-scroll="${CSS.escape(key)}"]`);
    if (again) again.scrollTo(left, top);
  }
  if (focusKey) {
    const again = element.querySelector(`[data-focus="${CSS.escape(focusKey)}"]`);
    if (again instanceof HTMLElement) again.focus({ preventScroll: true });
  }
}
