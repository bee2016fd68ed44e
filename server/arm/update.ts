// ARM's Update (PATCH) of a resource's definition, shared by the resource types the emulator serves.

/** A PATCH merges objects property by property and replaces anything else (arrays included), as ARM's Update does. */
export function mergedUpdate(base: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    const current = out[key];
    out[key] =
      value !== null && typeof value === 'object' && !Array.isArray(value) && current !== null && typeof current === 'object' && !Array.isArray(current)
        ? mergedUpdate(current as Record<string, unknown>, value as Record<string, unknown>)
        : value;
  }
  return out;
}
