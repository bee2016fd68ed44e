// Answers a Resource Graph query: the scope (subscriptions, or every subscription for a tenant or
// management-group query), the tables built from the machines in it, the query run by the
// evaluator (simulator/kql), then ARG's paging, result formats and facets
// (docs/update-manager-wire-format.md#query-response, #paging, #facets).

import type { Operator, Query } from '../../simulator/kql/ast.js';
import {
  columnType,
  evaluate,
  KqlError,
  parseExpression,
  parseQuery,
  toJson,
  type EvaluationContext,
  type Table,
  type Value,
} from '../../simulator/kql/index.js';
import { armTimestampUtc } from '../../simulator/time-format.js';
import { FACET_DEFAULT_TOP, MAX_TOP, OBJECT_ARRAY_DEFAULT_SINCE, type QueryRequestBody } from '../../schemas/resource-graph.js';
import { ArmError, type CloudErrorDetail } from '../arm/errors.js';
import { SkipTokens } from './skip-token.js';
import type { MachineSource, MaintenanceSource, PatchMachine } from './sources.js';
import { maintenanceTable, patchAssessmentTable, patchInstallationTable, resourcesTable, type TableName } from './tables.js';

export interface ResourceGraphOptions {
  machineSources: MachineSource[];
  maintenanceSources: MaintenanceSource[];
  /** The simulated clock's now. */
  now: () => number;
  /** The subscriptions the caller can see: a query without subscriptions covers them all. */
  knownSubscriptions: () => string[];
  tenantId: string;
  seed: string;
}

type ResultFormat = 'table' | 'objectArray';

/** Deep JSON form of a value: datetimes in ISO 8601, property bags without prototypes. */
function jsonValue(value: unknown, depth = 0): unknown {
  const scalar = toJson(value);
  if (scalar !== value || value === null || typeof value !== 'object' || depth > 100) return scalar;
  if (Array.isArray(value)) return value.map((item) => jsonValue(item, depth + 1));
  const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const key of Object.keys(value)) out[key] = jsonValue((value as Record<string, unknown>)[key], depth + 1);
  return out;
}

/** Rows in ARG's `objectArray` or `table` form. */
export function formatRows(table: Table, rows: Value[][], format: ResultFormat): unknown {
  if (format === 'table') {
    return {
      columns: table.columns.map((name, i) => ({ name, type: columnType(rows.map((row) => row[i])) })),
      rows: rows.map((row) => row.map((value) => jsonValue(value))),
    };
  }
  return rows.map((row) => {
    const record: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
    table.columns.forEach((name, i) => {
      record[name] = jsonValue(row[i] ?? null);
    });
    return record;
  });
}

const INVALID_QUERY: CloudErrorDetail & Record<string, unknown> = {
  code: 'InvalidQuery',
  message: 'Query is invalid. Please refer to the documentation for the Azure Resource Graph service and fix the error before retrying.',
};

/**
 * ARG's 400 for a query it cannot run (arg-recordings test_query_error.yaml; azqr#847 for the
 * unknown table). The details of semantic errors and limits are the emulator's choice
 * (docs/resource-graph.md#errors).
 */
export function queryError(error: KqlError, nowMs: number, correlationId: string): ArmError {
  const message = `Please provide below info when asking for support: timestamp = ${armTimestampUtc(nowMs)}, correlationId = ${correlationId}.`;
  let details: Array<CloudErrorDetail & Record<string, unknown>>;
  switch (error.kind) {
    case 'parser':
      details = [
        INVALID_QUERY,
        { code: 'ParserFailure', message: 'ParserFailure', line: error.position?.line ?? 1, characterPositionInLine: error.position?.column ?? 0, token: error.token ?? '<EOF>' },
      ];
      break;
    case 'table':
      details = [{ code: 'DisallowedLogicalTableName', message: error.message }];
      break;
    case 'unsupported':
      details = [INVALID_QUERY, { code: 'UnsupportedByEmulator', message: `${error.message} See docs/resource-graph.md for what the emulator supports.` }];
      break;
    case 'limit':
      details = [INVALID_QUERY, { code: 'QueryLimitExceeded', message: error.message }];
      break;
    default:
      details = [
        INVALID_QUERY,
        {
          code: 'SemanticError',
          message: error.message,
          ...(error.position ? { line: error.position.line, characterPositionInLine: error.position.column } : {}),
          ...(error.token !== undefined ? { token: error.token } : {}),
        },
      ];
  }
  return new ArmError(400, 'BadRequest', message, { details });
}

/** The emulator's answer to a skip token it did not issue for this request (unverified in ARG). */
function invalidSkipToken(nowMs: number, correlationId: string): ArmError {
  return new ArmError(400, 'BadRequest', `Please provide below info when asking for support: timestamp = ${armTimestampUtc(nowMs)}, correlationId = ${correlationId}.`, {
    details: [{ code: 'InvalidSkipToken', message: 'The $skipToken is not valid for this query and scope: repeat the query and scopes of the response that gave it.' }],
  });
}

export class ResourceGraph {
  private readonly skipTokens: SkipTokens;

  constructor(private readonly options: ResourceGraphOptions) {
    this.skipTokens = new SkipTokens(options.seed);
  }

  /** The subscriptions a request covers (lower case): its own, or all the caller's for a tenant or management-group query. */
  scopeOf(body: Pick<QueryRequestBody, 'subscriptions' | 'managementGroups'>): Set<string> {
    if (body.subscriptions && body.subscriptions.length > 0) return new Set(body.subscriptions.map((s) => s.toLowerCase()));
    // No management groups are modelled: every subscription sits under the tenant's root group.
    return new Set(this.options.knownSubscriptions().map((s) => s.toLowerCase()));
  }

  /** The evaluator's tables for a scope, each built when the query first names it. */
  context(subscriptions: ReadonlySet<string>): EvaluationContext {
    const nowMs = this.options.now();
    let machines: PatchMachine[] | undefined;
    const machinesInScope = () => (machines ??= this.options.machineSources.flatMap((source) => source.machines(subscriptions)));
    const built = new Map<string, Table>();
    const build = (name: TableName): Table => {
      const tenantId = this.options.tenantId;
      switch (name) {
        case 'patchassessmentresources':
          return patchAssessmentTable(machinesInScope(), nowMs, tenantId);
        case 'patchinstallationresources':
          return patchInstallationTable(machinesInScope(), nowMs, tenantId);
        case 'maintenanceresources':
          return maintenanceTable(this.options.maintenanceSources.flatMap((source) => source.records(subscriptions)), tenantId);
        case 'resources':
          return resourcesTable(machinesInScope(), tenantId);
      }
    };
    return {
      nowMs,
      table: (name) => {
        if (name !== 'patchassessmentresources' && name !== 'patchinstallationresources' && name !== 'maintenanceresources' && name !== 'resources') return undefined;
        let table = built.get(name);
        if (!table) {
          table = build(name);
          built.set(name, table);
        }
        return table;
      },
    };
  }

  /** Runs a query over a scope: the whole result, unpaged (the dashboard's compliance view). */
  run(query: string, subscriptions: ReadonlySet<string>): Table {
    return evaluate(parseQuery(query), this.context(subscriptions));
  }

  /** POST /providers/Microsoft.ResourceGraph/resources. */
  answer(body: QueryRequestBody, apiVersion: string, correlationId: string): Record<string, unknown> {
    const nowMs = this.options.now();
    const scope = this.scopeOf(body);
    let parsed: Query;
    let table: Table;
    const context = this.context(scope);
    try {
      parsed = parseQuery(body.query);
      table = evaluate(parsed, context);
    } catch (error) {
      if (error instanceof KqlError) throw queryError(error, nowMs, correlationId);
      // A safety net: should some shape of query still exhaust the stack, it is a query error, not a 500.
      if (error instanceof RangeError) throw queryError(new KqlError('limit', 'The query is too complex to run.'), nowMs, correlationId);
      throw error;
    }

    const options = body.options ?? {};
    const format: ResultFormat = options.resultFormat ?? (apiVersion >= OBJECT_ARRAY_DEFAULT_SINCE ? 'objectArray' : 'table');
    const digest = SkipTokens.requestDigest(body.query, [...scope]);
    let top = MAX_TOP;
    let skip = 0;
    if (options.$skipToken !== undefined) {
      const token = this.skipTokens.read(digest, options.$skipToken);
      if (!token) throw invalidSkipToken(nowMs, correlationId);
      top = token.maxRows;
      skip = token.rowsToSkip;
    }
    // $top and $skip sent with a token override its numbers (arg-spec).
    if (options.$top !== undefined) top = options.$top;
    // ARG ignores $skip when the query limits its own rows with take / limit (arg-large-data).
    const limitsItself = parsed.operators.some((operator: Operator) => operator.kind === 'take' || operator.kind === 'top');
    if (options.$skip !== undefined && !limitsItself) skip = options.$skip;
    top = Math.min(top, MAX_TOP);

    const total = table.rows.length;
    const page = table.rows.slice(skip, skip + top);
    const next = skip + page.length;
    const more = next < total;
    // Paging needs the query to project `id`; without it the rest is cut off (arg-large-data).
    const canPage = table.columns.includes('id');
    const response: Record<string, unknown> = {
      totalRecords: total,
      count: page.length,
      data: formatRows(table, page, format),
      facets: (body.facets ?? []).map((facet) => this.facet(table, facet, format, context)),
      resultTruncated: more && !canPage ? 'true' : 'false',
    };
    if (more && canPage) response.$skipToken = this.skipTokens.issue(digest, { maxRows: top, rowsToSkip: next });
    return response;
  }

  /** A facet: the result's rows counted by an expression (arg-spec ResourcesFacetQuery.json). */
  private facet(table: Table, facet: NonNullable<QueryRequestBody['facets']>[number], format: ResultFormat, context: EvaluationContext): Record<string, unknown> {
    const options = facet.options ?? {};
    try {
      const operators: Operator[] = [];
      const at = { line: 1, column: 0 };
      if (options.filter !== undefined && options.filter.trim() !== '') operators.push({ kind: 'where', predicate: parseExpression(options.filter), at });
      operators.push({ kind: 'summarize', aggregates: [{ name: 'count', expr: { kind: 'call', name: 'count', args: [], at } }], by: [{ expr: parseExpression(facet.expression) }], at });
      const sortBy = options.sortBy === undefined || options.sortBy.trim() === '' ? 'count' : options.sortBy;
      const descending = (options.sortOrder ?? 'desc') === 'desc';
      operators.push({ kind: 'order', keys: [{ expr: parseExpression(sortBy), descending, nullsFirst: !descending }], at });
      const grouped = evaluate({ table: { name: '$result', at }, operators }, { nowMs: context.nowMs, table: (name) => (name === '$result' ? table : undefined) });
      const rows = grouped.rows.slice(0, options.$top ?? FACET_DEFAULT_TOP);
      return { expression: facet.expression, resultType: 'FacetResult', totalRecords: grouped.rows.length, count: rows.length, data: formatRows(grouped, rows, format) };
    } catch (error) {
      if (!(error instanceof KqlError)) throw error;
      const unknownColumn = error.kind === 'semantic' && error.token !== undefined && error.message.startsWith('Failed to resolve');
      return {
        expression: facet.expression,
        resultType: 'FacetError',
        errors: [
          unknownColumn
            ? { code: 'InvalidColumnNames', message: `Invalid column names: [${error.token}].` }
            : { code: 'NoValidColumns', message: 'No valid columns in facet expression.' },
        ],
      };
    }
  }
}
