import { existsSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SpikeflowError } from '@spikeflow/core';
import { extractTar } from '../archive/extract-tar.js';
import { extractZip } from '../archive/extract-zip.js';
import type { NeuromorphicDatasetSpec } from '../descriptors/neuromorphic/neuromorphic-spec.js';
import { downloadFile } from '../locate/download-file.js';
import { downloadFolder, type DataLocationOptions } from '../locate/search-path.js';

/** Options of {@link fetchEventDataset}. */
export interface FetchEventDatasetOptions extends DataLocationOptions {
  /** Only the files of this split (files not tied to a split are always fetched). */
  readonly split?: 'train' | 'test';
  /** Fetch `<mirror><file name>` instead of the official addresses (tests, local mirrors). */
  readonly mirror?: string;
  readonly timeoutMs?: number;
  readonly onProgress?: (event: { phase: string; done: number; total?: number; file?: string }) => void;
}

/**
 * Download a dataset's official archives into its download folder (`--data-dir`, else the user
 * cache), verify each against its MD5 and extract the zips and tars (`.tar.gz`, `.tgz`, `.tar`;
 * extract progress is then in archive bytes, not members) there, leaving the layout the spec
 * describes. Archives already extracted (a `<name>.extracted` marker) are skipped. Datasets whose
 * publisher needs a browser (DVS128 Gesture) are reported as `dataset-missing` with instructions.
 *
 * @example
 * ```ts
 * const dir = await fetchEventDataset(nMnistSpec, { split: 'test' });
 * ```
 */
export async function fetchEventDataset(spec: NeuromorphicDatasetSpec, options: FetchEventDatasetOptions = {}): Promise<string> {
  const dest = downloadFolder(spec.id, options).dir;
  if (!spec.downloadable) {
    throw new SpikeflowError(
      'dataset-missing',
      `${spec.title} cannot be downloaded automatically (the publisher needs a browser): fetch ${spec.files.map((f) => f.name).join(', ')} from ${spec.files[0]?.urls[0]} and extract it as ${spec.layout} into ${dest}`,
      { dataset: spec.id, dest },
    );
  }
  const files = spec.files.filter((f) => f.split === undefined || options.split === undefined || f.split === options.split);
  for (const f of files) {
    const marker = join(dest, `${f.name}.extracted`);
    if (existsSync(marker)) continue;
    const archive = join(dest, f.name);
    const urls = options.mirror ? [`${options.mirror.replace(/\/?$/, '/')}${f.name}`] : f.urls;
    await downloadFile({
      urls,
      dest: archive,
      checksum: f.md5 ? { md5: f.md5 } : undefined,
      timeoutMs: options.timeoutMs,
      onProgress: options.onProgress ? (done, total) => options.onProgress!({ phase: 'download', done, total, file: f.name }) : undefined,
    });
    if (f.name.endsWith('.zip')) {
      await extractZip(archive, dest, options.onProgress ? (done, total) => options.onProgress!({ phase: 'extract', done, total, file: f.name }) : undefined);
      await rm(archive, { force: true });
    } else if (/\.(tar\.gz|tgz|tar)$/.test(f.name)) {
      await extractTar(archive, dest, { onProgress: options.onProgress ? (done, total) => options.onProgress!({ phase: 'extract', done, total, file: f.name }) : undefined });
      await rm(archive, { force: true });
    }
    await writeFile(marker, `${new Date().toISOString()}\n`);
  }
  return dest;
}
