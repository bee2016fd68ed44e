// Seeded, stateless randomness: every draw is a hash of the emulator seed and the names of what is
// being drawn, so a result never depends on the order in which requests arrived or on a restart.

/** cyrb53: a fast 53-bit string hash with good avalanche; `salt` selects an independent stream. */
function cyrb53(text: string, salt: number): number {
  let h1 = 0xdeadbeef ^ salt;
  let h2 = 0x41c6ce57 ^ salt;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

const SEPARATOR = '\u241f';

/** A number in [0, 1) determined by the parts alone. */
export function unitDraw(...parts: string[]): number {
  return cyrb53(parts.join(SEPARATOR), 0) / 2 ** 53;
}

/** A lower-case GUID (version-4 layout) determined by the parts alone. */
export function guidFrom(...parts: string[]): string {
  const text = parts.join(SEPARATOR);
  let hex = '';
  for (let salt = 1; hex.length < 32; salt++) {
    hex += cyrb53(text, salt).toString(16).padStart(14, '0');
  }
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
