import { SpikeflowError } from '@spikeflow/core';
import { sliceEvents, type EventBatch } from '../events/event-batch.js';
import type { EventFormat } from '../events/event-file.js';
import { openEventFile } from '../events/open-event-file.js';
import { readAllEvents } from '../events/read-all-events.js';
import type { Aedat2Orientation } from '../formats/aedat2/open-aedat2.js';
import { openShd } from '../formats/shd/open-shd.js';

/** One labelled sample inside a {@link SampleSource}. */
export interface SourceSample {
  /** Position of the sample in the dataset split. */
  readonly index: number;
  readonly label: number;
  /** Keep only events with `start <= t < end` (DVS128 Gesture's labelled segments). */
  readonly start?: number;
  readonly end?: number;
  /** Sample number inside an SHD/SSC file. */
  readonly shdIndex?: number;
}

/**
 * A recording file and the samples it holds — plain data, so it can be posted to a worker
 * thread. Most datasets have one sample per file; a DVS128 Gesture recording holds a dozen
 * segments and an SHD file thousands of samples.
 */
export interface SampleSource {
  readonly file: string;
  readonly format?: EventFormat;
  readonly orientation?: Aedat2Orientation;
  readonly samples: readonly SourceSample[];
}

function lowerBound(t: Float64Array, n: number, v: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (t[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Read a source's samples' events, one callback per sample.
 *
 * @example
 * ```ts
 * await readSourceSamples({ file: 'x.bin', samples: [{ index: 0, label: 3 }] }, (s, ev) => console.log(s.label, ev.length));
 * ```
 */
export async function readSourceSamples(source: SampleSource, onSample: (sample: SourceSample, events: EventBatch) => void): Promise<void> {
  if (source.format === 'shd-hdf5') {
    const shd = await openShd(source.file);
    try {
      for (const s of source.samples) {
        if (s.shdIndex === undefined) throw new SpikeflowError('invalid-options', `sample ${s.index} of SHD file '${source.file}' has no shdIndex`);
        onSample(s, shd.sample(s.shdIndex));
      }
    } finally {
      shd.close();
    }
    return;
  }
  const all = await readAllEvents(await openEventFile(source.file, { format: source.format, orientation: source.orientation }));
  for (const s of source.samples) {
    if (s.start === undefined && s.end === undefined) onSample(s, all);
    else onSample(s, sliceEvents(all, lowerBound(all.t, all.length, s.start ?? -Infinity), lowerBound(all.t, all.length, s.end ?? Infinity)));
  }
}
