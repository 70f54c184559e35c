// A CLI run folder loads from TypeScript with one call: sf.loadModel picks the run's newest
// complete checkpoint, rebuilds the architecture it recorded and gives the same outputs as the
// CLI's own loader.
import * as path from 'node:path';
import { tempDir } from '@spikeflow/testing';
import { describe, expect, it } from 'vitest';
import { tf } from '@spikeflow/core';
import { runCli } from '../test-utils/run-cli.js';
import { loadSpikeflow } from './plugins.js';
import { loadTrainedModel } from './trained-model.js';
import { FMNIST, haveFashionMnist as haveData, fmnistFlags } from '../test-utils/fashion-mnist.js';

describe.skipIf(!haveData)('sf.loadModel on a CLI run folder', () => {
  it('rebuilds the trained model with identical outputs', async () => {
    const run = path.join(tempDir('sf-loadmodel-'), 'run');
    const r = await runCli(
      'train',
      ...fmnistFlags({ subset: 128, testSubset: 64, batchSize: 64, T: 2, epochs: 1 }),
      '--neuron',
      'plif',
      '--model-opt',
      'hidden=[32]',
      '--out',
      run,
      '--quiet',
    );
    expect(r.code, r.stderr).toBe(0);
    const reference = await loadTrainedModel(run, { dataDir: FMNIST }, { log: () => {}, quiet: true });
    const { sf } = await loadSpikeflow();
    const model = await sf.loadModel(run);
    // Every tensor (weights and the learnable PLIF w) is the checkpoint's.
    const names = model.namedTensors().map((e) => e.name);
    expect(names).toEqual(reference.model.namedTensors().map((e) => e.name));
    for (const e of model.namedTensors()) expect(Array.from(e.variable.dataSync()), e.name).toEqual(Array.from(reference.checkpoint.weights.get(e.name)!.data));
    const x = tf.randomUniform([4, 3, 28, 28, 1], 0, 1, 'float32', 4);
    expect(Array.from(model.forward(x).dataSync())).toEqual(Array.from(reference.model.forward(x).dataSync()));
  });
});
