import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { tempDir } from '@spikeflow/testing';
import { describe, expect, it } from 'vitest';
import { augmentFlag } from './commands/options.js';
import { jsonLines } from './test-utils/json-lines.js';
import { haveFashionMnist, fmnistFlags } from './test-utils/fashion-mnist.js';
import { runCli as run } from './test-utils/run-cli.js';

describe('--augment', () => {
  it('parses crop, flip and cutout, and names what is wrong otherwise', () => {
    expect(augmentFlag('crop=4,flip')).toEqual({ crop: 4, flip: true });
    expect(augmentFlag('cutout=16, crop=2')).toEqual({ cutout: 16, crop: 2 });
    expect(() => augmentFlag('crop')).toThrow(/'crop' needs a positive integer size/);
    expect(() => augmentFlag('crop=2.5')).toThrow(/'crop' needs a positive integer size/);
    expect(() => augmentFlag('flip=1')).toThrow(/'flip' takes no value/);
    expect(() => augmentFlag('flip,flip')).toThrow(/'flip' is given twice/);
    expect(() => augmentFlag('rotate=10')).toThrow(/unknown part 'rotate=10'.*expected a comma-separated list of crop=P, flip, cutout=S/);
    expect(() => augmentFlag('toString')).toThrow(/unknown part 'toString'/);
  });

  describe.skipIf(!haveFashionMnist)('training with it (needs apt-get install dataset-fashion-mnist)', () => {
    const common = [...fmnistFlags({ subset: 256, testSubset: 256, batchSize: 32, T: 2 }), '--epochs', '2'];

    it('is recorded in the run config, changes training, and a resumed run augments exactly as an uninterrupted one', async () => {
      const root = tempDir('sf-augment-');
      const plain = path.join(root, 'plain');
      const straight = path.join(root, 'straight');
      const split = path.join(root, 'split');
      const a = await run('train', ...common, '--out', plain, '--json');
      expect(a.code, a.stderr).toBe(0);
      const b = await run('train', ...common, '--augment', 'crop=2,flip,cutout=6', '--out', straight, '--json');
      expect(b.code, b.stderr).toBe(0);
      expect(JSON.parse(readFileSync(path.join(straight, 'config.json'), 'utf8')).augment).toEqual({ crop: 2, flip: true, cutout: 6 });
      expect(JSON.parse(readFileSync(path.join(plain, 'config.json'), 'utf8')).augment).toBeUndefined();
      // Same seed and order: only the augmentation differs, so the training losses must.
      const trainLoss = (out: string) =>
        jsonLines(out)
          .filter((l) => l.type === 'epoch')
          .map((l) => l.trainLoss);
      expect(trainLoss(b.stdout)).not.toEqual(trainLoss(a.stdout));

      const first = await run('train', ...common, '--augment', 'crop=2,flip,cutout=6', '--out', split, '--max-steps', '11', '--json');
      expect(first.code, first.stderr).toBe(0);
      const resumed = await run('train', '--resume', split, '--json');
      expect(resumed.code, resumed.stderr).toBe(0);
      const weights = (dir: string) => readFileSync(path.join(dir, 'checkpoints', 'epoch-002', 'model.safetensors'));
      expect(weights(split).equals(weights(straight))).toBe(true);
    });
  });
});
