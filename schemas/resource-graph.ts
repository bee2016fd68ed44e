// Azure Resource Graph's query request (QueryRequest in
// https://github.com/Azure/azure-rest-api-specs/blob/main/specification/resourcegraph/resource-manager/Microsoft.ResourceGraph/stable/2021-03-01/resourcegraph.json,
// and @azure/arm-resourcegraph 5.0.0's model for 2024-04-01), and the api-versions clients send
// (docs/update-manager-wire-format.md#resource-graph-api-versions).

/**
 * POST /providers/Microsoft.ResourceGraph/resources: 2018-09-01-preview (old az), 2019-04-01
 * (Search-AzGraph), 2020-04-01-preview, 2020-09-01-preview, 2021-03-01 (azure-mgmt-resourcegraph
 * 8.0.1, the az graph extension), 2021-06-01-preview, 2022-10-01, 2024-04-01 (@azure/arm-resourcegraph 5.0.0).
 */
export const RESOURCE_GRAPH_API_VERSIONS: readonly string[] = [
  '2018-09-01-preview', '2019-04-01', '2020-04-01-preview', '2020-09-01-preview', '2021-03-01', '2021-06-01-preview', '2022-10-01', '2024-04-01',
];

/** `resultFormat` defaults to `objectArray` from 2021-03-01; before, to `table` (arg-spec). */
export const OBJECT_ARRAY_DEFAULT_SINCE = '2021-03-01';

/** ARG pages at most 1000 rows, and 1000 is the default (arg-large-data). */
export const MAX_TOP = 1000;
/** Facets: ARG's default and maximum rows per facet (arg-spec FacetRequestOptions). */
export const FACET_DEFAULT_TOP = 10;
/** The emulator's bounds on a request's lists (ARG publishes none; az sends at most 1000 subscriptions per request). */
export const MAX_SCOPES = 1000;
export const MAX_FACETS = 50;

export const queryRequestSchema = {
  $id: 'ResourceGraphQueryRequest',
  type: 'object',
  description: 'Describes a query to be executed (QueryRequest)',
  required: ['query'],
  properties: {
    subscriptions: { type: 'array', maxItems: MAX_SCOPES, items: { type: 'string', maxLength: 256 } },
    managementGroups: { type: 'array', maxItems: MAX_SCOPES, items: { type: 'string', maxLength: 256 } },
    query: { type: 'string', description: 'The resources query (KQL; docs/resource-graph.md lists what the emulator supports)' },
    options: {
      type: 'object',
      properties: {
        $top: { type: 'integer', minimum: 1, maximum: MAX_TOP },
        $skip: { type: 'integer', minimum: 0 },
        $skipToken: { type: 'string' },
        resultFormat: { type: 'string', enum: ['table', 'objectArray'] },
        allowPartialScopes: { type: 'boolean' },
        authorizationScopeFilter: { type: 'string', enum: ['AtScopeAndBelow', 'AtScopeAndAbove', 'AtScopeExact', 'AtScopeAboveAndBelow'] },
      },
    },
    facets: {
      type: 'array',
      maxItems: MAX_FACETS,
      items: {
        type: 'object',
        required: ['expression'],
        properties: {
          expression: { type: 'string', maxLength: 4096 },
          options: {
            type: 'object',
            properties: {
              sortBy: { type: 'string', maxLength: 4096 },
              sortOrder: { type: 'string', enum: ['asc', 'desc'] },
              filter: { type: 'string', maxLength: 4096 },
              $top: { type: 'integer', minimum: 1, maximum: MAX_TOP },
            },
          },
        },
      },
    },
  },
} as const;

export interface QueryRequestBody {
  subscriptions?: string[];
  managementGroups?: string[];
  query: string;
  options?: {
    $top?: number;
    $skip?: number;
    $skipToken?: string;
    resultFormat?: 'table' | 'objectArray';
    allowPartialScopes?: boolean;
    authorizationScopeFilter?: string;
  };
  facets?: Array<{ expression: string; options?: { sortBy?: string; sortOrder?: 'asc' | 'desc'; filter?: string; $top?: number } }>;
}
