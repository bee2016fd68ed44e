// The bench's own arithmetic and /proc readings, on tiny inputs (bench/stats.ts). No figure of
// the bench itself is asserted anywhere: numbers are the bench's to print, not the tests'.

import t from 'tap';
import { formatNumber, median, parseProcStat, parseProcStatus, percentile } from '../../bench/stats.js';

t.test('median: the middle value, or the mean of the middle two', async (t) => {
  t.equal(median([3, 1, 2]), 2);
  t.equal(median([4, 1, 3, 2]), 2.5);
  t.equal(median([7]), 7);
  t.throws(() => median([]));
});

t.test('percentile: nearest rank', async (t) => {
  const values = Array.from({ length: 100 }, (_, i) => 100 - i); // 100 .. 1, unsorted
  t.equal(percentile(values, 50), 50);
  t.equal(percentile(values, 99), 99);
  t.equal(percentile(values, 100), 100);
  t.equal(percentile([5], 99), 5);
  t.throws(() => percentile([], 50));
});

t.test('parseProcStat: utime and stime, even with spaces and parentheses in the command name', async (t) => {
  const line = '4242 (node (x) y) S 1 4242 4242 0 -1 4194304 9000 0 12 0 1234 567 0 0 20 0 11 0 100 1000000 20000 18446744073709551615';
  t.same(parseProcStat(line), { user: 1234, system: 567 });
  t.throws(() => parseProcStat('garbage'));
});

t.test('parseProcStatus: VmRSS and VmHWM in KiB', async (t) => {
  const status = 'Name:\tnode\nVmPeak:\t 1000 kB\nVmHWM:\t   90000 kB\nVmRSS:\t   80000 kB\n';
  t.same(parseProcStatus(status), { rssKb: 80000, peakKb: 90000 });
  t.throws(() => parseProcStatus('Name:\tnode\n'));
});

t.test('formatNumber: three significant digits or so', async (t) => {
  t.equal(formatNumber(1234.4), '1234');
  t.equal(formatNumber(12.345), '12.3');
  t.equal(formatNumber(1.2345), '1.23');
});
