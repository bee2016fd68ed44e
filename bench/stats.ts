// The bench's arithmetic and its readings of /proc: small pure functions, tested on tiny inputs.

/** The median of a non-empty list (the mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of an empty list');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** The nearest-rank percentile (0 < p <= 100) of a non-empty list. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) throw new Error('percentile of an empty list');
  const sorted = Float64Array.from(values).sort();
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export interface CpuTicks {
  user: number;
  system: number;
}

/**
 * utime and stime (fields 14 and 15) of /proc/<pid>/stat, in clock ticks. The command name
 * (field 2) is in parentheses and may hold spaces, so fields are counted after its last ')'.
 */
export function parseProcStat(text: string): CpuTicks {
  const close = text.lastIndexOf(')');
  if (close < 0) throw new Error('not a /proc/<pid>/stat line');
  const fields = text.slice(close + 2).trim().split(/\s+/);
  // fields[0] is field 3 (state), so field N is fields[N - 3].
  const user = Number(fields[11]);
  const system = Number(fields[12]);
  if (!Number.isInteger(user) || !Number.isInteger(system)) throw new Error('no utime/stime in /proc/<pid>/stat');
  return { user, system };
}

export interface Memory {
  /** Resident set size now, in KiB. */
  rssKb: number;
  /** The peak resident set size so far (VmHWM), in KiB. */
  peakKb: number;
}

/** VmRSS and VmHWM of /proc/<pid>/status. */
export function parseProcStatus(text: string): Memory {
  const field = (name: string) => {
    const match = new RegExp(`^${name}:\\s*(\\d+)\\s*kB`, 'm').exec(text);
    if (!match) throw new Error(`no ${name} in /proc/<pid>/status`);
    return Number(match[1]);
  };
  return { rssKb: field('VmRSS'), peakKb: field('VmHWM') };
}

/** A number with three significant digits, for the table. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const magnitude = Math.abs(value);
  if (magnitude >= 100) return Math.round(value).toString();
  if (magnitude >= 10) return value.toFixed(1);
  return value.toFixed(2);
}
