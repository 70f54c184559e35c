import * as path from 'node:path';
import { SpikeflowError } from '@spikeflow/core';
import { splitFiles, type IdxDatasetSpec, type Split } from '../descriptors/idx-dataset-spec.js';
import { downloadFile } from './download-file.js';
import { stderrDownloadProgress, type DatasetProgress } from './download-progress.js';
import { findIdxFile, findSplitFiles, type SplitFiles } from './find-split-files.js';
import { fileUrls, type MirrorOptions } from './mirrors.js';
import { checkDataDir, downloadFolder, type DataFolder, type DataLocationOptions } from './search-path.js';

/** Options of {@link resolveSplitFiles}: where to look, and whether and how to download. */
export interface ResolveSplitOptions extends DataLocationOptions, MirrorOptions {
  /** Download the files when no folder has them (default true). */
  readonly download?: boolean;
  /** Per-address inactivity timeout for downloads (default 30 s). */
  readonly timeoutMs?: number;
  /** Download progress; defaults to a progress bar on stderr (drawn only on a terminal). */
  readonly onProgress?: DatasetProgress;
}

const SOURCE_LABEL: Record<DataFolder['source'], string> = {
  'data-dir': '--data-dir',
  SPIKEFLOW_DATA: '$SPIKEFLOW_DATA',
  cache: 'user cache',
  system: 'system datasets',
};

function describeSearch(spec: IdxDatasetSpec, split: Split, searched: readonly DataFolder[]): string {
  const names = splitFiles(spec, split)
    .map((f) => `${f.name}[.gz]`)
    .join(' and ');
  const folders = searched.map((f) => `  ${f.dir} (${SOURCE_LABEL[f.source]})`).join('\n');
  return `no folder has both ${names}. Searched, in order:\n${folders}`;
}

function advice(spec: IdxDatasetSpec): string {
  const apt = spec.systemPackage ? `\`sudo apt-get install ${spec.systemPackage}\` (Debian/Ubuntu; installs them into /usr/share/datasets/${spec.id}), or ` : '';
  return `Other ways to get the files: ${apt}put them in a folder and pass --data-dir <folder> (option dataDir), or set SPIKEFLOW_DATA=<root> with them in <root>/${spec.id}/. Sources: ${spec.homepage}`;
}

/**
 * Find the files of one split on the search path, or download them (verified) when no folder has
 * them. Downloads go to `dataDir` when given, else the user cache, and only the files missing
 * there are fetched. An explicit `dataDir` must exist, and is the only folder searched.
 *
 * @throws SpikeflowError `dataset-missing` when `dataDir` does not exist, or when the files are
 *   nowhere and downloading is off;
 *   `download-failed` naming the files, the addresses tried and the folders searched, with how to
 *   get the files otherwise; `checksum-mismatch` when a mirror served wrong bytes.
 */
export async function resolveSplitFiles(spec: IdxDatasetSpec, split: Split, options: ResolveSplitOptions = {}): Promise<SplitFiles> {
  if (options.dataDir)
    await checkDataDir(
      spec.id,
      options.dataDir,
      splitFiles(spec, split)
        .map((f) => `${f.name}[.gz]`)
        .join(' and '),
    );
  const { found, searched } = await findSplitFiles(spec, split, options);
  if (found) return found;
  const where = `${spec.id} (${split})`;
  if (options.download === false) {
    throw new SpikeflowError(
      'dataset-missing',
      `${where} not found: ${describeSearch(spec, split, searched)}\nDownloading is off (--no-download / download: false). ${advice(spec)}`,
      { dataset: spec.id, split, searched: searched.map((f) => f.dir) },
    );
  }
  const target = downloadFolder(spec.id, options);
  const onProgress = options.onProgress ?? stderrDownloadProgress();
  const paths: string[] = [];
  for (const file of splitFiles(spec, split)) {
    const existing = await findIdxFile(target.dir, file);
    if (existing) {
      paths.push(existing);
      continue;
    }
    const fileName = `${file.name}.gz`;
    const urls = fileUrls(spec, file, options);
    try {
      const got = await downloadFile({
        urls,
        dest: path.join(target.dir, fileName),
        checksum: file.archive,
        timeoutMs: options.timeoutMs,
        onProgress: (done, total) => onProgress({ phase: 'download', done, total, file: fileName }),
      });
      paths.push(got.dest);
    } catch (e) {
      if (!SpikeflowError.is(e, 'download-failed')) throw e;
      throw new SpikeflowError(
        'download-failed',
        `${where}: ${describeSearch(spec, split, searched)}\n${e.message}\n${advice(spec)}`,
        { ...e.details, dataset: spec.id, split, file: fileName, urls, searched: searched.map((f) => f.dir) },
        { cause: e },
      );
    }
  }
  return { folder: target, images: paths[0], labels: paths[1] };
}
