// The two ways a query fails, as Azure Resource Graph reports them (docs/resource-graph.md#errors):
// a syntax error (ParserFailure, with the line, the position in the line and the offending token)
// and a query that parses but names something that is not there or asks for what is not supported.

export type KqlErrorKind =
  /** The text is not a query: ARG's ParserFailure detail. */
  | 'parser'
  /** A table that is not there: ARG's DisallowedLogicalTableName. */
  | 'table'
  /** A column, function or argument that does not resolve, or a value of the wrong type. */
  | 'semantic'
  /** Kusto has it, ARG may have it, the emulator does not (docs/resource-graph.md#what-is-not-supported). */
  | 'unsupported'
  /** A limit of ARG's or of the emulator's (rows, mv-expand, joins, query length). */
  | 'limit';

export interface KqlPosition {
  /** 1-based, as ARG's `line`. */
  line: number;
  /** 0-based, as ARG's `characterPositionInLine`. */
  column: number;
}

export class KqlError extends Error {
  constructor(
    readonly kind: KqlErrorKind,
    message: string,
    readonly position?: KqlPosition,
    /** The token the parser stopped at (`<EOF>` at the end). */
    readonly token?: string,
  ) {
    super(message);
    this.name = 'KqlError';
  }
}
