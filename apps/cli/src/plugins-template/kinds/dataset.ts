import type { KindTemplate } from '../kind-template.js';

/** A synthetic bars dataset: generated in memory from a seed, so the example needs no files. */
export const datasetTemplate: KindTemplate = ({ namespace, factory }) => ({
  id: 'bars',
  contribution: 'datasets',
  descriptorImport: "import { barsDescriptor } from './bars-dataset.js';",
  descriptorName: 'barsDescriptor',
  indexExports: "export { BarsDataset, barsDescriptor } from './bars-dataset.js';\nexport type { BarsOptions } from './bars-dataset.js';",
  usage: `spikeflow train --dataset ${namespace}/bars --model lif-mlp --model-opt hidden=32`,
  files: {
    'src/bars-dataset.ts': `import { Rng, SpikeflowError, type Dataset, type DatasetDescriptor, type DatasetOpenOptions } from '@spikeflow/core';
import { z } from 'zod';

const SIZE = 8;

const schema = z.object({
  /** Samples per split. */
  length: z.number().int().positive().default(512),
  /** Probability that a background pixel is lit. */
  noise: z.number().min(0).max(0.5).default(0.05),
  seed: z.number().int().nonnegative().default(0),
}).strict();

/** Validated options of \`${namespace}/bars\`. */
export type BarsOptions = z.infer<typeof schema>;

/**
 * 8x8 one-channel images of one lit bar: class 0 a horizontal bar, class 1 a vertical one, at a random
 * row or column, plus salt noise. Sample i is generated from (seed, split, i) alone, so any subset or
 * order gives the same pixels.
 *
 * @example
 * \`\`\`ts
 * const sf = createSpikeflow({ plugins: [${factory}()] });
 * const train = await sf.dataset('${namespace}/bars', { split: 'train', length: 256 });
 * const { x, y } = train.getBatch([0, 1, 2]);
 * \`\`\`
 */
export class BarsDataset implements Dataset {
  readonly name = '${namespace}/bars';
  readonly sampleShape = [SIZE, SIZE, 1] as const;
  readonly numClasses = 2;
  readonly classNames = ['horizontal', 'vertical'] as const;
  readonly length: number;

  constructor(readonly split: 'train' | 'test', private readonly options: BarsOptions) {
    this.length = options.length;
  }

  /** Label and pixels of sample i. */
  sample(i: number): { label: number; pixels: Float32Array } {
    if (!Number.isInteger(i) || i < 0 || i >= this.length) throw new SpikeflowError('invalid-options', \`\${this.name} \${this.split} index \${i} is out of range [0, \${this.length})\`);
    const rng = new Rng(\`\${this.options.seed}/\${this.split}/\${i}\`);
    const label = rng.int(2);
    const line = rng.int(SIZE);
    const pixels = new Float32Array(SIZE * SIZE);
    for (let r = 0; r < SIZE; r++) {
      for (let c = 0; c < SIZE; c++) {
        const onBar = label === 0 ? r === line : c === line;
        pixels[r * SIZE + c] = onBar || rng.uniform() < this.options.noise ? 1 : 0;
      }
    }
    return { label, pixels };
  }

  getBatch(indices: ArrayLike<number>): { x: Float32Array; y: Int32Array } {
    const x = new Float32Array(indices.length * SIZE * SIZE);
    const y = new Int32Array(indices.length);
    for (let k = 0; k < indices.length; k++) {
      const { label, pixels } = this.sample(indices[k]);
      x.set(pixels, k * SIZE * SIZE);
      y[k] = label;
    }
    return { x, y };
  }
}

/** Registry entry \`${namespace}/bars\`. */
export const barsDescriptor: DatasetDescriptor<BarsOptions> = {
  id: 'bars',
  description: 'Synthetic 8x8 horizontal-vs-vertical bars (generated, no download)',
  sampleShape: [SIZE, SIZE, 1],
  numClasses: 2,
  options: schema,
  open: async (o: BarsOptions & DatasetOpenOptions) => new BarsDataset(o.split, { length: o.length, noise: o.noise, seed: o.seed }),
};
`,
    'src/bars-dataset.spec.ts': `import { createSpikeflow } from '@spikeflow/core';
import { describe, expect, it } from 'vitest';
import { ${factory} } from './plugin.js';

describe('${namespace}/bars', () => {
  const sf = () => createSpikeflow({ plugins: [${factory}()] });

  it('opens both splits with the declared shape and validates options', async () => {
    const train = await sf().dataset('bars', { split: 'train', length: 64 });
    expect(train.length).toBe(64);
    expect([...train.sampleShape]).toEqual([8, 8, 1]);
    expect(sf().datasets.get('bars').fullId).toBe('${namespace}/bars');
    await expect(sf().dataset('bars', { split: 'train', noise: 2 })).rejects.toThrowError(/noise/);
  });

  it('draws one full bar per sample whose direction is the label', async () => {
    const ds = await sf().dataset('bars', { split: 'train', length: 50, noise: 0 });
    const { x, y } = ds.getBatch(Array.from({ length: 50 }, (_, i) => i));
    for (let k = 0; k < 50; k++) {
      const img = x.subarray(k * 64, (k + 1) * 64);
      const rowSums = Array.from({ length: 8 }, (_, r) => img.subarray(r * 8, r * 8 + 8).reduce((a, b) => a + b, 0));
      const colSums = Array.from({ length: 8 }, (_, c) => [0, 1, 2, 3, 4, 5, 6, 7].reduce((a, r) => a + img[r * 8 + c], 0));
      expect(img.reduce((a, b) => a + b, 0)).toBe(8);
      expect((y[k] === 0 ? rowSums : colSums).filter((s) => s === 8)).toHaveLength(1);
    }
    expect(new Set(y).size).toBe(2);
  });

  it('is deterministic per (seed, split, index) and differs between splits', async () => {
    const a = await sf().dataset('bars', { split: 'train', seed: 3 });
    const b = await sf().dataset('bars', { split: 'train', seed: 3 });
    const t = await sf().dataset('bars', { split: 'test', seed: 3 });
    expect(a.getBatch([5, 9]).x).toEqual(b.getBatch([5, 9]).x);
    expect(a.getBatch([9]).x).toEqual(a.getBatch([5, 9]).x.subarray(64));
    expect(a.getBatch([0, 1, 2, 3]).x).not.toEqual(t.getBatch([0, 1, 2, 3]).x);
    expect(() => a.getBatch([a.length])).toThrowError(/out of range/);
  });
});
`,
  },
});
