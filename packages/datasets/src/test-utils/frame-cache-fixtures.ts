// Test fixtures: event files laid out as frame-cache sources, and the cache build the tests use.
import { join } from 'node:path';
import { buildFrameCache, type BuildFrameCacheResult } from '../frames/build-frame-cache.js';
import type { FrameCacheKey } from '../frames/frame-cache.js';
import type { SampleSource } from '../frames/sample-source.js';
import { writeNmnistBin, type TestEvent } from './event-writers.js';

/** Write each sample as its own N-MNIST file `<dir>/<i>.bin`: one single-sample source per file, sample `i` at index `i`. */
export async function writeNmnistSources(dir: string, samples: ReadonlyArray<{ readonly events: TestEvent[]; readonly label: number }>): Promise<SampleSource[]> {
  const sources: SampleSource[] = [];
  for (const [i, { events, label }] of samples.entries()) {
    const file = join(dir, `${i}.bin`);
    await writeNmnistBin(file, events);
    sources.push({ file, format: 'nmnist-bin', samples: [{ index: i, label }] });
  }
  return sources;
}

/** {@link buildFrameCache} as the tests run it unless they say otherwise: on the main thread, without a progress bar. */
export function buildTestCache(root: string, key: FrameCacheKey, sources: readonly SampleSource[]): Promise<BuildFrameCacheResult> {
  return buildFrameCache({ root, key, sources, threads: 0, progress: false });
}
