import { readFileSync, writeFileSync } from 'node:fs';

function statusKiB(field: 'VmHWM' | 'VmRSS'): number {
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync('/proc/self/status', 'utf8'));
  if (!m) throw new Error(`no ${field} in /proc/self/status`);
  return Number(m[1]);
}

/**
 * True when this process can reset its peak resident set size (Linux 4.0+: writing 5 to
 * /proc/self/clear_refs sets VmHWM to the current RSS). Says why when it cannot.
 */
export function canMeasurePeakRss(): boolean {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    statusKiB('VmHWM');
    return true;
  } catch (e) {
    console.warn(`skipping peak-memory tests: cannot reset the peak RSS through /proc/self/clear_refs (${(e as Error).message})`);
    return false;
  }
}

/**
 * Run `fn` and measure how far this process's resident memory rose above where it started (MiB):
 * the peak (VmHWM) is reset to the current RSS first, so earlier work does not count. Resolves
 * with what `fn` threw or returned.
 */
export async function peakRssGrowth<T>(fn: () => Promise<T>): Promise<{ growthMiB: number; value?: T; error?: unknown }> {
  writeFileSync('/proc/self/clear_refs', '5');
  const base = statusKiB('VmRSS');
  let value: T | undefined;
  let error: unknown;
  try {
    value = await fn();
  } catch (e) {
    error = e;
  }
  return { growthMiB: (statusKiB('VmHWM') - base) / 1024, value, error };
}
