// ISO-8601 durations as ARM accepts them for `maximumDuration` ("PT4H", "PT120M", "P1DT2H").
// Years and months have no fixed length, so they are refused rather than guessed.

const DURATION = /^P(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i;

/** Milliseconds in an ISO-8601 duration, or undefined when the text is not one. */
export function parseDurationMs(text: string): number | undefined {
  const match = DURATION.exec(text.trim());
  if (!match || text.trim().length < 3 || /T$/i.test(text.trim())) return undefined;
  const [, weeks, days, hours, minutes, seconds] = match;
  if ([weeks, days, hours, minutes, seconds].every((part) => part === undefined)) return undefined;
  const n = (part: string | undefined) => (part === undefined ? 0 : Number(part));
  return Math.round(((((n(weeks) * 7 + n(days)) * 24 + n(hours)) * 60 + n(minutes)) * 60 + n(seconds)) * 1000);
}
