// Turns an ajv error into the ARM error CRP gives for the same fault (docs/wire-format.md#invalid-parameters).

import { ArmError, kbNumberInvalid, locationRequired, parameterInvalid, requiredParameterMissing } from './errors.js';

export interface SchemaIssue {
  keyword: string;
  instancePath: string;
  params: Record<string, unknown>;
}

function pathSegments(instancePath: string): string[] {
  return instancePath
    .split('/')
    .slice(1)
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function valueAt(body: unknown, segments: string[]): unknown {
  let value = body;
  for (const segment of segments) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[segment];
  }
  return value;
}

/** CRP targets name properties with dots and leave array indexes out ("windowsParameters.kbNumbersToInclude"). */
function targetOf(segments: string[]): string {
  return segments.filter((segment) => !/^\d+$/.test(segment)).join('.');
}

export function armErrorForSchemaIssue(issue: SchemaIssue, body: unknown, bodyName: string): ArmError {
  const segments = pathSegments(issue.instancePath);
  if (segments.length === 0 && (body === null || body === undefined)) return requiredParameterMissing(bodyName);
  // ARM itself, not the resource provider, checks a resource's location.
  if (issue.keyword === 'required' && segments.length === 0 && issue.params.missingProperty === 'location') return locationRequired();
  if (issue.keyword === 'required') {
    return requiredParameterMissing(targetOf([...segments, String(issue.params.missingProperty)]));
  }
  const target = targetOf(segments) || bodyName;
  const listName = segments.filter((segment) => !/^\d+$/.test(segment)).at(-1) ?? '';
  if (issue.keyword === 'pattern' && /^kbNumbersTo(In|Ex)clude$/.test(listName)) {
    return kbNumberInvalid(listName, String(valueAt(body, segments)), target);
  }
  return parameterInvalid(target);
}
