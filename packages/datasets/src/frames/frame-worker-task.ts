import { encodeFrames } from './frame-codec.js';
import { runPipeline, type FramePipeline } from './frame-pipeline.js';
import { readSourceSamples, type SampleSource } from './sample-source.js';

/** One integrated, encoded sample. */
export interface EncodedSample {
  readonly index: number;
  readonly label: number;
  /** Frames in the sample (varies with a fixed duration). */
  readonly frames: number;
  readonly events: number;
  readonly blob: Uint8Array;
}

/** The work of one source: read, integrate and encode each of its samples. */
export async function processSource(source: SampleSource, pipeline: FramePipeline): Promise<EncodedSample[]> {
  const out: EncodedSample[] = [];
  await readSourceSamples(source, (s, events) => {
    const frames = runPipeline(events, pipeline);
    out.push({ index: s.index, label: s.label, frames: frames.shape[0], events: events.length, blob: encodeFrames(frames.data) });
  });
  return out;
}
