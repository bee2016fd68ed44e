// ARM compares enum values case-insensitively (ps-install-recording: PowerShell sent "critical" and got 202), while
// the schemas list the canonical spellings. Before validation, a body's enum strings are rewritten
// to the canonical spelling wherever the schema has an enum, so ajv stays exact.

export type JsonSchema = Record<string, unknown>;

export function canonicaliseEnums(schema: JsonSchema | undefined, data: unknown, resolve: (ref: string) => JsonSchema | undefined, depth = 0): unknown {
  if (!schema || depth > 32) return data;
  if (typeof schema.$ref === 'string') return canonicaliseEnums(resolve(schema.$ref), data, resolve, depth + 1);
  if (typeof data === 'string' && Array.isArray(schema.enum)) {
    const match = (schema.enum as unknown[]).find((value) => typeof value === 'string' && value.toLowerCase() === data.toLowerCase());
    return match ?? data;
  }
  if (Array.isArray(data) && schema.items && typeof schema.items === 'object') {
    return data.map((item) => canonicaliseEnums(schema.items as JsonSchema, item, resolve, depth + 1));
  }
  if (data && typeof data === 'object' && !Array.isArray(data) && schema.properties && typeof schema.properties === 'object') {
    const properties = schema.properties as Record<string, JsonSchema>;
    const record = data as Record<string, unknown>;
    for (const name of Object.keys(properties)) {
      if (Object.hasOwn(record, name)) record[name] = canonicaliseEnums(properties[name], record[name], resolve, depth + 1);
    }
  }
  return data;
}
