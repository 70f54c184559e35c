/** A dataset read from a netx file: values as numbers, with its stored shape and dtype. */
export interface NetxArray {
  readonly data: Float64Array;
  readonly shape: readonly number[];
  readonly dtype: string;
}

/** One `/layer/<i>` group of a lava-dl netx `.net` file, as stored. */
export interface NetxLayer {
  readonly index: number;
  /** `dense`, `conv`, `input`, `flatten`, `pool`, ... */
  readonly type: string;
  /** Stored shape, (C, H, W) order; netx reverses it on read. */
  readonly shape: readonly number[];
  readonly weight?: NetxArray;
  readonly bias?: NetxArray;
  readonly delay?: NetxArray;
  /** The `neuron` group: `type` (string) and numeric fields such as iDecay, vDecay, vThMant. */
  readonly neuron?: Readonly<Record<string, number | string | readonly number[]>>;
  /** Every other dataset of the layer (stride, padding, dilation, groups, inFeatures, ...). */
  readonly fields: Readonly<Record<string, number | string | readonly number[]>>;
}

/** A whole netx file. */
export interface NetxFile {
  readonly layers: readonly NetxLayer[];
  /** Root attributes (spikeflow writes its input encoding here). */
  readonly attrs: Readonly<Record<string, unknown>>;
}
