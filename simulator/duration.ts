// ISO-8601 durations as ARM accepts them for `maximumDuration` ("PT4H", "PT120M", "P1DT2H").
// Years and months have no fixed length, so they are refused rather than guessed.

/**
 * The one grammar of a duration, case-insensitive: at least one part, and a `T` only before a time
 * part. The request schemas use this text as their `pattern` (JSON Schema patterns have no flags,
 * hence the letter classes); the parser below matches the same expression.
 */
export const ISO_DURATION_PATTERN =
  '^[Pp](?=\\d|[Tt]\\d)(?:(\\d+(?:\\.\\d+)?)[Ww])?(?:(\\d+(?:\\.\\d+)?)[Dd])?(?:[Tt](?=\\d)(?:(\\d+(?:\\.\\d+)?)[Hh])?(?:(\\d+(?:\\.\\d+)?)[Mm])?(?:(\\d+(?:\\.\\d+)?)[Ss])?)?$';
const DURATION = new RegExp(ISO_DURATION_PATTERN);

/** Milliseconds in an ISO-8601 duration, or undefined when the text is not one. */
export function parseDurationMs(text: string): number | undefined {
  const match = DURATION.exec(text.trim());
  if (!match) return undefined;
  const [, weeks, days, hours, minutes, seconds] = match;
  const n = (part: string | undefined) => (part === undefined ? 0 : Number(part));
  return Math.round(((((n(weeks) * 7 + n(days)) * 24 + n(hours)) * 60 + n(minutes)) * 60 + n(seconds)) * 1000);
}
