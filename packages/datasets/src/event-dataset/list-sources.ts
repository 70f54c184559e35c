import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SpikeflowError } from '@spikeflow/core';
import type { NeuromorphicDatasetSpec } from '../descriptors/neuromorphic/neuromorphic-spec.js';
import { readGestureLabels } from '../formats/aedat3/gesture-labels.js';
import { openShd } from '../formats/shd/open-shd.js';
import type { SampleSource } from '../frames/sample-source.js';
import { seededClassSplit } from './seeded-split.js';

/** The samples of one split, ready for `buildFrameCache`, and the class names found. */
export interface SplitSources {
  readonly sources: SampleSource[];
  readonly classNames: readonly string[];
}

const SHD_CHUNK = 256;

async function sortedDirs(dir: string): Promise<string[]> {
  return (await readdir(dir, { withFileTypes: true }))
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
}

async function sortedFiles(dir: string, exts: readonly string[]): Promise<string[]> {
  return (await readdir(dir, { withFileTypes: true }))
    .filter((d) => d.isFile() && exts.some((e) => d.name.toLowerCase().endsWith(e)))
    .map((d) => d.name)
    .sort();
}

function missing(spec: NeuromorphicDatasetSpec, dir: string, what: string): SpikeflowError {
  return new SpikeflowError('dataset-missing', `${spec.title}: '${dir}' does not hold ${what}; expected ${spec.layout}`, { dataset: spec.id, dir });
}

/** Class folders of files: one sample per file, labelled by its folder. */
async function classFolders(
  spec: NeuromorphicDatasetSpec,
  root: string,
  exts: readonly string[],
  classNames?: readonly string[],
): Promise<{ files: string[]; labels: number[]; classNames: string[] }> {
  const names = classNames ? [...classNames] : await sortedDirs(root);
  const files: string[] = [];
  const labels: number[] = [];
  for (const [label, name] of names.entries()) {
    const dir = join(root, name);
    // A class folder may be absent (a partial copy); an empty dataset is caught below.
    if (!existsSync(dir)) continue;
    for (const f of await sortedFiles(dir, exts)) {
      files.push(join(dir, f));
      labels.push(label);
    }
  }
  if (files.length === 0) throw missing(spec, root, `any ${exts.join('/')} sample`);
  return { files, labels, classNames: names };
}

function perFile(spec: NeuromorphicDatasetSpec, files: string[], labels: number[], pick: number[], orientation?: 'cifar10-dvs'): SampleSource[] {
  return pick.map((i, index) => {
    const file = files[i]!;
    const format = file.endsWith('.aedat4') ? 'aedat4' : spec.format;
    return { file, format, orientation: format === 'aedat2' ? orientation : undefined, samples: [{ index, label: labels[i]! }] };
  });
}

/**
 * List the samples of `split` of a dataset whose extracted files are in `root`, laid out as the
 * spec's `layout` says: N-MNIST's `Train/<digit>/*.bin`, N-Caltech101's class folders and
 * CIFAR10-DVS's class folders (seeded split), DVS128 Gesture's trial lists with their label
 * CSVs (one sample per labelled segment), SHD/SSC's per-split HDF5 files.
 *
 * @example
 * ```ts
 * const { sources } = await listSplitSources(nMnistSpec, '/data/n-mnist', 'train');
 * ```
 */
export async function listSplitSources(spec: NeuromorphicDatasetSpec, root: string, split: 'train' | 'test'): Promise<SplitSources> {
  if (!existsSync(root)) throw missing(spec, root, 'the dataset');
  switch (spec.id) {
    case 'n-mnist': {
      const dir = join(root, split === 'train' ? 'Train' : 'Test');
      if (!existsSync(dir)) throw missing(spec, root, `the folder '${split === 'train' ? 'Train' : 'Test'}'`);
      const { files, labels } = await classFolders(spec, dir, ['.bin'], spec.classNames);
      return {
        sources: perFile(
          spec,
          files,
          labels,
          files.map((_, i) => i),
        ),
        classNames: spec.classNames,
      };
    }
    case 'n-caltech101':
    case 'cifar10-dvs': {
      const base = spec.id === 'n-caltech101' && existsSync(join(root, 'Caltech101')) ? join(root, 'Caltech101') : root;
      const { files, labels, classNames } = await classFolders(
        spec,
        base,
        spec.id === 'n-caltech101' ? ['.bin'] : ['.aedat', '.aedat4'],
        spec.classNames.length ? spec.classNames : undefined,
      );
      if (spec.split.kind !== 'seeded') throw new SpikeflowError('invalid-state', `${spec.id}: expected a seeded split`);
      const { train, test } = seededClassSplit(labels, spec.split.trainRatio, spec.split.seed);
      return { sources: perFile(spec, files, labels, split === 'train' ? train : test, 'cifar10-dvs'), classNames };
    }
    case 'dvs128-gesture': {
      const dir = existsSync(join(root, 'DvsGesture')) ? join(root, 'DvsGesture') : root;
      const list = join(dir, split === 'train' ? 'trials_to_train.txt' : 'trials_to_test.txt');
      if (!existsSync(list)) throw missing(spec, root, `'${split === 'train' ? 'trials_to_train.txt' : 'trials_to_test.txt'}'`);
      const trials = (await readFile(list, 'utf8'))
        .split(/\r?\n/)
        .map((l) => l.trim())
        .filter((l) => l !== '');
      const sources: SampleSource[] = [];
      let index = 0;
      for (const trial of trials) {
        const file = join(dir, trial);
        const segments = await readGestureLabels(join(dir, trial.replace(/\.aedat$/, '_labels.csv')));
        sources.push({ file, format: 'aedat3', samples: segments.map((s) => ({ index: index++, label: s.label, start: s.start, end: s.end })) });
      }
      return { sources, classNames: spec.classNames };
    }
    case 'shd':
    case 'ssc': {
      const file = join(root, `${spec.id}_${split}.h5`);
      if (!existsSync(file)) throw missing(spec, root, `'${spec.id}_${split}.h5'`);
      const shd = await openShd(file);
      const labels = Array.from(shd.labels);
      shd.close();
      // Chunks of samples, so the worker threads share the one file's work.
      const sources: SampleSource[] = [];
      for (let at = 0; at < labels.length; at += SHD_CHUNK) {
        const samples = labels.slice(at, at + SHD_CHUNK).map((label, k) => ({ index: at + k, label, shdIndex: at + k }));
        sources.push({ file, format: 'shd-hdf5', samples });
      }
      return { sources, classNames: spec.classNames };
    }
    default:
      throw new SpikeflowError('not-supported', `no file layout is known for dataset '${spec.id}'`);
  }
}
