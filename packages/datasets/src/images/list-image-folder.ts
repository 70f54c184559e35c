import { readdir, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { SpikeflowError } from '@spikeflow/core';
import type { LabelledImage } from './build-image-cache.js';

/** The file endings read as images (case-insensitive), as torchvision's ImageFolder minus formats sharp cannot promise. */
export const IMAGE_EXTENSIONS: readonly string[] = ['.jpg', '.jpeg', '.png'];

/** The splits an image folder may have as sub-folders. */
export type ImageSplit = 'train' | 'test' | 'valid';

/** One split's images and the classes they are labelled from. */
export interface ClassFolder {
  readonly classNames: readonly string[];
  readonly images: readonly LabelledImage[];
}

/** An image folder: split sub-folders (`<root>/train/<class>/…`), or classes directly (`<root>/<class>/…`). */
export type ImageFolderLayout = { readonly kind: 'splits'; readonly splits: Readonly<Partial<Record<ImageSplit, string>>> } | { readonly kind: 'flat'; readonly dir: string };

/** Sub-folder names accepted for each split (the first found is used). */
const SPLIT_FOLDERS: Readonly<Record<ImageSplit, readonly string[]>> = { train: ['train'], test: ['test'], valid: ['valid', 'val'] };

function byCodePoint(a: string, b: string): number {
  // Python's sorted(): by code point, not locale, so class ids match torchvision's.
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A folder entry: its name and whether it is a folder (through a symbolic link too, as torchvision follows links). */
interface Entry {
  readonly name: string;
  readonly dir: boolean;
}

async function entries(dir: string): Promise<Entry[]> {
  try {
    const found = (await readdir(dir, { withFileTypes: true })).filter((e) => !e.name.startsWith('.'));
    return await Promise.all(
      found.map(async (e) => ({ name: e.name, dir: e.isDirectory() || (e.isSymbolicLink() && (await stat(join(dir, e.name)).catch(() => undefined))?.isDirectory() === true) })),
    );
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new SpikeflowError('dataset-missing', `image folder '${dir}' does not exist or is not a folder`, { dir });
    throw e;
  }
}

/**
 * Tell how `root` is laid out: with a `train/` sub-folder it holds splits, else its sub-folders
 * are the classes.
 */
export async function imageFolderLayout(root: string): Promise<ImageFolderLayout> {
  const names = new Set((await entries(root)).filter((e) => e.dir).map((e) => e.name));
  if (!names.has('train')) return { kind: 'flat', dir: root };
  const splits: Partial<Record<ImageSplit, string>> = {};
  for (const [split, folders] of Object.entries(SPLIT_FOLDERS) as [ImageSplit, readonly string[]][]) {
    const found = folders.find((f) => names.has(f));
    if (found) splits[split] = join(root, found);
  }
  return { kind: 'splits', splits };
}

/**
 * List a folder of class sub-folders the way torchvision's `ImageFolder` does: the classes are
 * the sub-folder names sorted, each labelled by its place in that order; the images are the
 * `.jpg`, `.jpeg` and `.png` files of each class, sorted, in nested folders too (folder by
 * folder, in the order of `sorted(os.walk(...))`). Hidden files and
 * folders (`.name`) are skipped. With `classNames`, those classes are used (a test split keeps the
 * train split's labels) and a sub-folder outside them is an error.
 *
 * @example
 * ```ts
 * const { classNames, images } = await listClassFolder('/data/pets/train');
 * ```
 */
export async function listClassFolder(dir: string, classNames?: readonly string[]): Promise<ClassFolder> {
  const found = (await entries(dir))
    .filter((e) => e.dir)
    .map((e) => e.name)
    .sort(byCodePoint);
  if (found.length === 0) throw new SpikeflowError('dataset-missing', `image folder '${dir}' has no class sub-folders (expected ${dir}/<class>/<image>.jpg)`, { dir });
  const classes = classNames ?? found;
  const unknown = found.filter((c) => !classes.includes(c));
  if (unknown.length > 0) {
    throw new SpikeflowError('dataset-corrupt', `image folder '${dir}' has class folders ${unknown.join(', ')} that the train split does not have (${classes.join(', ')})`, {
      dir,
    });
  }
  const images: LabelledImage[] = [];
  for (const name of found) {
    const label = classes.indexOf(name);
    for (const file of await imageFiles(join(dir, name))) images.push({ file, label });
  }
  return { classNames: classes, images };
}

async function imageFiles(dir: string): Promise<string[]> {
  // torchvision walks `sorted(os.walk(class_dir))`: folders in code-point order of their paths,
  // each folder's own files sorted, so `dog/x.png` comes before `dog/nested/y.png`.
  const folders: [string, string[]][] = [];
  const seen = new Set<string>();
  const walk = async (d: string): Promise<void> => {
    // A link back to a folder already walked would loop for ever.
    const real = await realpath(d);
    if (seen.has(real)) return;
    seen.add(real);
    const files: string[] = [];
    folders.push([d, files]);
    for (const e of await entries(d)) {
      const path = join(d, e.name);
      if (e.dir) await walk(path);
      else if (IMAGE_EXTENSIONS.some((x) => e.name.toLowerCase().endsWith(x))) files.push(e.name);
    }
    files.sort(byCodePoint);
  };
  await walk(dir);
  return folders.sort((a, b) => byCodePoint(a[0], b[0])).flatMap(([d, files]) => files.map((f) => join(d, f)));
}
