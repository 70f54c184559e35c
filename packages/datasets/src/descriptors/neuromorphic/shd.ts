import type { NeuromorphicDatasetSpec } from './neuromorphic-spec.js';

/** What sets SHD and SSC apart; the rest of their specs is the same (one lab, one cochlea model, one file layout). */
interface HeidelbergInfo extends Pick<NeuromorphicDatasetSpec, 'title' | 'description' | 'classNames' | 'numClasses' | 'counts' | 'split' | 'defaultBatchFrames'> {
  readonly id: 'shd' | 'ssc';
  /** MD5 of `<id>_<split>.h5.zip` per split, in the order the files are listed. */
  readonly md5: Readonly<Partial<Record<'train' | 'valid' | 'test', string>>>;
}

/** A Heidelberg spiking data set: HDF5 spike trains on 700 channels, one `<id>_<split>.h5.zip` per split at zenkelab.org. */
function heidelbergSpec(info: HeidelbergInfo): NeuromorphicDatasetSpec {
  const files = Object.entries(info.md5).map(([split, md5]) => ({
    name: `${info.id}_${split}.h5.zip`,
    split: split as 'train' | 'valid' | 'test',
    urls: [`https://zenkelab.org/datasets/${info.id}_${split}.h5.zip`],
    md5,
  }));
  const h5 = files.map((f) => f.name.replace(/\.zip$/, ''));
  return {
    id: info.id,
    title: info.title,
    description: info.description,
    homepage: 'https://zenkelab.org/resources/spiking-heidelberg-datasets-shd/',
    citation:
      'Cramer B., Stradmann Y., Schemmel J., Zenke F. (2020). The Heidelberg Spiking Data Sets for the Systematic Evaluation of Spiking Neural Networks. IEEE TNNLS 33(7):2744-2757.',
    license: 'CC BY 4.0',
    format: 'shd-hdf5',
    width: 700,
    height: 1,
    channels: 1,
    classNames: info.classNames,
    ...(info.numClasses === undefined ? {} : { numClasses: info.numClasses }),
    counts: info.counts,
    split: info.split,
    files,
    downloadable: true,
    layout: `${h5.slice(0, -1).join(', ')} and ${h5.at(-1)}`,
    defaultSplit: { by: 'duration', duration: 10_000 },
    defaultBatchFrames: info.defaultBatchFrames,
  };
}

/** Spiking Heidelberg Digits: spoken digits 0-9 in English and German through a cochlea model. */
export const shdSpec = heidelbergSpec({
  id: 'shd',
  title: 'Spiking Heidelberg Digits',
  description: 'SHD: spoken digits (English and German) as spikes on 700 channels, 20 classes, 8156 train / 2264 test (HDF5)',
  classNames: ['null', 'eins', 'zwei', 'drei', 'vier', 'fünf', 'sechs', 'sieben', 'acht', 'neun', 'zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'],
  counts: { train: 8156, test: 2264 },
  split: { kind: 'official', note: 'shd_train.h5 and shd_test.h5 (test speakers partly unseen in training)' },
  md5: { train: 'f3252aeb598ac776c1b526422d90eecb', test: '1503a5064faa34311c398fb0a1ed0a6f' },
  // SHD recordings last up to about 1.4 s.
  defaultBatchFrames: 150,
});

/** Spiking Speech Commands: Google Speech Commands through the same cochlea model. */
export const sscSpec = heidelbergSpec({
  id: 'ssc',
  title: 'Spiking Speech Commands',
  description: 'SSC: 35 spoken commands as spikes on 700 channels, official train/valid/test files (HDF5)',
  // Label order of the files' /extra/keys; filled from the file when opened.
  classNames: [],
  numClasses: 35,
  counts: { train: 75466, test: 20382 },
  split: { kind: 'official', note: 'ssc_train.h5, ssc_valid.h5 and ssc_test.h5' },
  md5: { train: 'd102be95e7144fcc0553d1f45ba94170', valid: 'b4eee3516a4a90dd0c71a6ac23a8ae43', test: 'a35ff1e9cffdd02a20eb850c17c37748' },
  // Speech Commands clips last 1 s.
  defaultBatchFrames: 100,
});
