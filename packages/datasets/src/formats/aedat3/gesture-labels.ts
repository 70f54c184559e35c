import { readFile } from 'node:fs/promises';
import { SpikeflowError } from '@spikeflow/core';
import { sliceEvents, type EventBatch } from '../../events/event-batch.js';

/** One labelled segment of a DVS128 Gesture recording. */
export interface GestureSegment {
  /** 0-based class (the CSV's 1..11 minus one). */
  readonly label: number;
  /** Start and end in µs; the segment is `start <= t < end`. */
  readonly start: number;
  readonly end: number;
}

/**
 * Read a DVS128 Gesture `*_labels.csv` (`class,startTime_usec,endTime_usec`, classes 1..11).
 *
 * @example
 * ```ts
 * const segments = await readGestureLabels('user01_fluorescent_labels.csv');
 * ```
 */
export async function readGestureLabels(file: string): Promise<GestureSegment[]> {
  const text = await readFile(file, 'utf8');
  const rows = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const head = rows.shift()?.replace(/\s/g, '');
  if (head !== 'class,startTime_usec,endTime_usec') {
    throw new SpikeflowError(
      'format-unknown',
      `'${file}' is not a DVS128 Gesture labels file: its header is ${JSON.stringify(head ?? '')}, expected "class,startTime_usec,endTime_usec"`,
      { file },
    );
  }
  return rows.map((row, i) => {
    const cells = row.split(',').map((c) => Number(c.trim()));
    const [cls, start, end] = cells;
    if (cells.length !== 3 || !Number.isInteger(cls) || cls! < 1 || cls! > 11 || !Number.isFinite(start) || !Number.isFinite(end) || end! < start!) {
      throw new SpikeflowError('dataset-corrupt', `'${file}' line ${i + 2}: expected "class(1..11),start,end" with start <= end, got ${JSON.stringify(row)}`, {
        file,
        line: i + 2,
      });
    }
    return { label: cls! - 1, start: start!, end: end! };
  });
}

/**
 * Cut a time-sorted recording into its labelled segments (events with `start <= t < end`, as
 * SpikingJelly's DVS128 Gesture preprocessing does).
 */
export function splitGestureSegments(events: EventBatch, segments: readonly GestureSegment[]): { label: number; events: EventBatch }[] {
  const lower = (v: number): number => {
    let lo = 0;
    let hi = events.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (events.t[mid]! < v) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  return segments.map((s) => ({ label: s.label, events: sliceEvents(events, lower(s.start), lower(s.end)) }));
}
