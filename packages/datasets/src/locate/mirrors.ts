import type { IdxDatasetSpec, IdxFileSpec } from '../descriptors/idx-dataset-spec.js';

/** Environment variable naming base URLs to download datasets from instead of the built-in mirrors. */
export const MIRROR_ENV = 'SPIKEFLOW_DATASET_MIRROR';

/** How to pick download addresses. */
export interface MirrorOptions {
  /** Base URLs to use instead of the dataset's own mirrors (highest precedence). */
  readonly mirrors?: readonly string[];
  /** Environment holding `SPIKEFLOW_DATASET_MIRROR` (default `process.env`). */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/**
 * The base URLs to try for a dataset, in order: the `mirrors` option, else the comma- or
 * space-separated `SPIKEFLOW_DATASET_MIRROR`, else the dataset's built-in list (authors first).
 * An override replaces the built-in list rather than extending it, so a private mirror or a test
 * server is never bypassed for the public internet. `{dataset}` in a base URL becomes the dataset
 * id, so one mirror can serve several datasets (`http://mirror/{dataset}/`).
 */
export function datasetMirrors(spec: IdxDatasetSpec, options: MirrorOptions = {}): string[] {
  const fromEnv = (options.env ?? process.env)[MIRROR_ENV]?.split(/[\s,]+/).filter(Boolean);
  const bases = options.mirrors?.length ? options.mirrors : fromEnv?.length ? fromEnv : spec.mirrors;
  return bases.map((b) => {
    const base = b.replaceAll('{dataset}', spec.id);
    return base.endsWith('/') ? base : `${base}/`;
  });
}

/** Every address of `<file>.gz`, one per mirror, in the order they are tried. */
export function fileUrls(spec: IdxDatasetSpec, file: IdxFileSpec, options: MirrorOptions = {}): string[] {
  return datasetMirrors(spec, options).map((base) => new URL(`${file.name}.gz`, base).toString());
}
