import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { main } from './hand-written-loop.js';

const FMNIST = '/usr/share/datasets/fashion-mnist';
const have = existsSync(`${FMNIST}/train-images-idx3-ubyte.gz`);

describe('examples/hand-written-loop.ts', () => {
  it('is shown verbatim in docs/training-loop.md, as is examples/monitors-and-plots.ts', () => {
    const doc = readFileSync(new URL('../docs/training-loop.md', import.meta.url), 'utf8');
    const blocks = [...doc.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
    for (const file of ['hand-written-loop.ts', 'monitors-and-plots.ts']) expect(blocks).toContain(readFileSync(new URL(file, import.meta.url), 'utf8'));
  });

  it.skipIf(!have)(
    '(needs apt-get install dataset-fashion-mnist) a hand-written loop (grads, optimizer.step by name, resetNet, ce-membrane) learns the real Fashion-MNIST',
    async () => {
      const lines: string[] = [];
      const result = await main({ steps: 300, timeSteps: 4, testSubset: 2000, dataDir: FMNIST, log: (l) => lines.push(l) });
      expect(result.steps).toBe(300);
      // Chance is 10 %; 300 steps of 64 samples should reach far beyond it.
      expect(result.testAccuracy).toBeGreaterThan(0.65);
      // The loss printed at step 300 is below the one at step 50.
      const losses = lines.filter((l) => l.startsWith('step ')).map((l) => Number(l.split('loss ')[1]));
      expect(losses.length).toBe(6);
      expect(losses[5]).toBeLessThan(losses[0]);
    },
  );
});
