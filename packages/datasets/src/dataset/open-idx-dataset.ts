import type { Split, IdxDatasetSpec } from '../descriptors/idx-dataset-spec.js';
import { resolveSplitFiles, type ResolveSplitOptions } from '../locate/resolve-split-files.js';
import type { IdxDataset } from './idx-dataset.js';
import { loadIdxSplit, type LoadIdxSplitOptions } from './load-idx-split.js';

/** Options of {@link openIdxDataset}: the split, where to look, whether to download, whether to verify. */
export interface OpenIdxDatasetOptions extends ResolveSplitOptions, LoadIdxSplitOptions {
  readonly split: Split;
}

/**
 * Locate (or download) one split of an IDX dataset and load it into memory, verified. This is what
 * the registered descriptors' `open` does; call it directly to inject folders (tests) or to open a
 * dataset described by your own {@link IdxDatasetSpec}.
 *
 * @example
 * ```ts
 * const test = await openIdxDataset(fashionMnistSpec, { split: 'test', dataDir: '/usr/share/datasets/fashion-mnist' });
 * test.length; // 10000
 * ```
 */
export async function openIdxDataset(spec: IdxDatasetSpec, options: OpenIdxDatasetOptions): Promise<IdxDataset> {
  const files = await resolveSplitFiles(spec, options.split, options);
  return loadIdxSplit(spec, options.split, files, options);
}
