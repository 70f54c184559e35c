import type { Dataset } from '@spikeflow/core';

/** What a {@link LabelledSplit} says about itself, and the files it was read from. */
export interface LabelledSplitInit extends Pick<Dataset, 'name' | 'split' | 'numClasses' | 'classNames'> {
  /** The files the samples were read from (for logs: which copy a run used). */
  readonly sources?: readonly string[];
}

/**
 * What every class-labelled split here holds besides its samples: name, split, classes and the
 * files it came from (copied and frozen, so the caller's arrays can change afterwards). Subclasses
 * add the samples: `length`, `sampleShape` and `getBatch`.
 *
 * @example
 * ```ts
 * class ToySplit extends LabelledSplit {
 *   readonly length = 1;
 *   readonly sampleShape = [1];
 *   getBatch() { return { x: new Float32Array([0.5]), y: new Int32Array([0]) }; }
 * }
 * ```
 */
export abstract class LabelledSplit implements Dataset {
  readonly name: string;
  readonly split: string;
  readonly numClasses: number;
  readonly classNames?: readonly string[];
  /** The files the samples were read from, in sample order; empty when built in memory. */
  readonly sources: readonly string[];
  abstract readonly length: number;
  abstract readonly sampleShape: readonly number[];

  protected constructor(init: LabelledSplitInit) {
    this.name = init.name;
    this.split = init.split;
    this.numClasses = init.numClasses;
    this.classNames = init.classNames ? Object.freeze([...init.classNames]) : undefined;
    this.sources = Object.freeze([...(init.sources ?? [])]);
  }

  abstract getBatch(indices: ArrayLike<number>): { x: Float32Array; y: Int32Array };
}
