// What the page would otherwise copy from the server: the api-version of its ARM requests and the
// values its forms offer. Each list is read from the schema that validates what the form sends (or
// the simulator constant the schema is built from), so a new value shows up in the page by itself.

import { INSTALL_PATCHES_API_VERSIONS } from '../../schemas/api-versions.js';
import { faultRuleSchema, scenarioSchema } from '../../schemas/admin.js';
import { installPatchesBodySchema } from '../../schemas/install-patches.js';
import { LINUX_CLASSIFICATIONS, WINDOWS_CLASSIFICATIONS } from '../../simulator/catalogue.js';
import { POWER_ACTIONS } from '../../simulator/power.js';
import { MAX_COMPLETION_POLLS } from '../../simulator/progress.js';
import type { Vocabulary } from './view-model.js';

const effects = faultRuleSchema.properties.effect.oneOf;
const effectOf = <K extends (typeof effects)[number]['properties']['kind']['const']>(kind: K) =>
  effects.find((effect) => effect.properties.kind.const === kind) as Extract<(typeof effects)[number], { properties: { kind: { const: K } } }>;

export function vocabulary(): Vocabulary {
  const error = effectOf('error').properties;
  return {
    // The newest installPatches version: every Compute route the page calls accepts it too.
    computeApiVersion: INSTALL_PATCHES_API_VERSIONS[INSTALL_PATCHES_API_VERSIONS.length - 1]!,
    classifications: { Windows: [...WINDOWS_CLASSIFICATIONS], Linux: [...LINUX_CLASSIFICATIONS] },
    rebootSettings: [...installPatchesBodySchema.properties.rebootSetting.enum],
    powerActions: [...POWER_ACTIONS],
    // `sync` answers the POST itself with 200: not a mode to watch a run in, so the page leaves it out.
    completion: { modes: ['time', 'instant'], maxPolls: MAX_COMPLETION_POLLS },
    scenario: {
      operations: [...scenarioSchema.properties.match.properties.operation.enum],
      statuses: [...scenarioSchema.properties.outcome.properties.status.enum],
      rebootStatuses: [...scenarioSchema.properties.outcome.properties.rebootStatus.enum],
    },
    fault: {
      operations: [...faultRuleSchema.properties.match.properties.operation.enum],
      kinds: effects.map((effect) => effect.properties.kind.const),
      statusCodes: [...error.statusCode.enum],
      maxRetryAfterSeconds: error.retryAfterSeconds.maximum,
      maxDelayMs: effectOf('latency').properties.delayMs.maximum,
    },
  };
}
