/** A value stored in a NIR node: a string, a number, or an array with its shape. */
export type NirValue = string | number | { readonly data: Float32Array | Float64Array; readonly shape: readonly number[] };

/** A NIR node: its `type` (`Input`, `Affine`, `LIF`, ...) and its parameters. */
export interface NirNode {
  readonly type: string;
  readonly params: Readonly<Record<string, NirValue>>;
}

/** A NIR graph as stored in a `.nir` HDF5 file (`/version`, `/node/{type, nodes, edges}`). */
export interface NirGraph {
  readonly version: string;
  readonly nodes: Readonly<Record<string, NirNode>>;
  readonly edges: ReadonlyArray<readonly [string, string]>;
}

/** The NIR release whose node definitions this package follows. */
export const NIR_VERSION = '1.0.7';
/** The time step other frameworks assume when they discretise NIR's continuous-time neurons. */
export const NIR_DT = 1e-4;
