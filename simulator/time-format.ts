// ARM/CRP timestamps: seven fractional digits and an explicit offset, e.g.
// "2024-11-23T01:32:33.6516860+00:00" (wire contract §2.2).

export function armTimestamp(ms: number): string {
  const iso = new Date(Math.floor(ms)).toISOString(); // 2024-11-23T01:32:33.651Z
  const ticks = Math.round((ms - Math.floor(ms)) * 10_000).toString().padStart(4, '0');
  return `${iso.slice(0, 23)}${ticks}+00:00`;
}

/** The instance view's patch summaries write UTC with a "Z" (S5: "2020-04-24T21:02:04.2556154Z"). */
export function armTimestampUtc(ms: number): string {
  return armTimestamp(ms).replace(/\+00:00$/, 'Z');
}
