import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { splitFiles, type IdxDatasetSpec, type IdxFileSpec, type Split } from '../descriptors/idx-dataset-spec.js';
import { datasetSearchPath, type DataFolder, type DataLocationOptions } from './search-path.js';

/** The files of one split as found on disk. */
export interface SplitFiles {
  readonly folder: DataFolder;
  readonly images: string;
  readonly labels: string;
}

/** The result of a search: the files when some folder had them all, and every folder looked at. */
export interface SplitSearch {
  readonly found?: SplitFiles;
  readonly searched: readonly DataFolder[];
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await fs.stat(file)).isFile();
  } catch {
    return false;
  }
}

/**
 * The path of `file` in `dir`, gzip-compressed (`<name>.gz`, the form that is downloaded and whose
 * archive checksum is known) preferred over raw (`<name>`), or undefined when neither exists.
 */
export async function findIdxFile(dir: string, file: IdxFileSpec): Promise<string | undefined> {
  for (const candidate of [`${file.name}.gz`, file.name]) {
    const p = path.join(dir, candidate);
    if (await isFile(p)) return p;
  }
  return undefined;
}

/**
 * Search {@link datasetSearchPath} for the images and labels of `split`. A folder counts only when it
 * has both files (raw or `.gz`): taking the images from one folder and the labels from another
 * could pair files of different versions.
 */
export async function findSplitFiles(spec: IdxDatasetSpec, split: Split, options: DataLocationOptions = {}): Promise<SplitSearch> {
  const searched = datasetSearchPath(spec.id, options);
  const [imagesSpec, labelsSpec] = splitFiles(spec, split);
  for (const folder of searched) {
    const images = await findIdxFile(folder.dir, imagesSpec);
    const labels = images && (await findIdxFile(folder.dir, labelsSpec));
    if (images && labels) return { found: { folder, images, labels }, searched };
  }
  return { searched };
}
