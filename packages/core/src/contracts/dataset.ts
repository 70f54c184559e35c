import type { Descriptor } from './descriptor.js';

/** A labelled sample store that can gather batches by index. */
export interface Dataset {
  readonly name: string;
  readonly split: string;
  readonly length: number;
  /** Shape of one sample, NHWC without batch (e.g. `[28, 28, 1]`). */
  readonly sampleShape: readonly number[];
  readonly numClasses: number;
  readonly classNames?: readonly string[];
  /**
   * Copy the samples at `indices` into one float array (`indices.length * prod(sampleShape)`,
   * values scaled to [0, 1]) and their labels into an int array.
   */
  getBatch(indices: ArrayLike<number>): { x: Float32Array; y: Int32Array };
}

/** Options every dataset accepts. */
export interface DatasetOpenOptions {
  readonly split: 'train' | 'test';
  /** Explicit data folder (`--data-dir`); otherwise the standard search path is used. */
  readonly dataDir?: string;
  /** Allow downloading when the files are nowhere on the search path (default true). */
  readonly download?: boolean;
  /** Report progress of long work (downloads, conversion). */
  readonly onProgress?: (event: { phase: string; done: number; total?: number; file?: string }) => void;
}

export const DatasetDescriptor = Symbol.for('@spikeflow/core/DatasetDescriptor');
export interface DatasetDescriptor<TOptions = Record<string, unknown>> extends Descriptor<TOptions> {
  readonly sampleShape: readonly number[];
  readonly numClasses: number;
  open(options: TOptions & DatasetOpenOptions): Promise<Dataset>;
}
