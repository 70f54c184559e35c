// A hand-written training loop, as SpikingJelly and snnTorch tutorials write one (docs/training-loop.md).
// Run: npx tsc -p examples --noEmit false --outDir examples/dist && node examples/dist/hand-written-loop.js
import { Adam, Flatten, Linear, NonSpikingLIF, Sequential, createSpikeflow, manualSeed, repeatTime, resetNet, selectBackend, tf } from '@spikeflow/core';
import { DataLoader, datasets } from '@spikeflow/datasets';
import { neurons } from '@spikeflow/neurons';

export interface LoopOptions {
  readonly steps?: number;
  readonly timeSteps?: number;
  readonly testSubset?: number;
  readonly dataDir?: string;
  readonly log?: (line: string) => void;
}

export async function main({
  steps = 300,
  timeSteps = 4,
  testSubset = undefined as number | undefined,
  dataDir = undefined as string | undefined,
  log = console.log,
}: LoopOptions = {}) {
  await selectBackend('auto');
  const sf = createSpikeflow({ plugins: [neurons(), datasets()] });
  const train = await sf.dataset('fashion-mnist', { split: 'train', dataDir });
  const test = await sf.dataset('fashion-mnist', { split: 'test', dataDir });
  manualSeed(0);

  // 784-256-10: a LIF hidden layer, and an output layer that never fires: its membrane potential is the output.
  const model = new Sequential(new Flatten(), new Linear(784, 256), sf.neuron('lif', { tau: 2 }), new Linear(256, 10), new NonSpikingLIF({ tau: 2 }));
  const params = model.namedParameters(); // [['1.weight', Variable], ['1.bias', ...], ...]
  const optimizer = new Adam(params, { lr: 1e-3 });
  const lossFn = sf.loss('ce-membrane'); // cross-entropy of the output membrane at every step
  const loader = new DataLoader({ dataset: train, batchSize: 64, seed: 0 });

  let step = 0;
  for (let epoch = 0; step < steps; epoch++) {
    for await (const batch of loader.batches(epoch)) {
      if (step === steps) break;
      model.train();
      const loss = tf.tidy(() => {
        const x = repeatTime(tf.tensor(batch.x, [batch.size, ...batch.sampleShape]), timeSteps); // [T, B, 28, 28, 1]
        const y = tf.tensor1d(batch.y, 'int32');
        // loss.backward(): gradients of the loss with respect to every parameter, keyed by tfjs variable name ...
        const { value, grads } = tf.variableGrads(
          () => lossFn.compute(model.forward(x), y, 10) as tf.Scalar,
          params.map(([, v]) => v),
        );
        // ... and optimizer.step(): the optimizer takes them by parameter name.
        optimizer.step(new Map(params.map(([name, v]) => [name, grads[v.name]])));
        return value.dataSync()[0];
      });
      // functional.reset_net(net): a multi-step forward already starts from rest; single-step mode needs this.
      resetNet(model);
      step++;
      if (step % 50 === 0) log(`step ${step}: loss ${loss.toFixed(4)}`);
    }
  }

  // Test accuracy: the class whose output membrane is highest on average over time.
  model.eval();
  let correct = 0;
  let seen = 0;
  for await (const batch of new DataLoader({ dataset: test, batchSize: 256, shuffle: false, seed: 0, subset: testSubset }).batches(0)) {
    correct += tf.tidy(() => {
      const v = model.forward(repeatTime(tf.tensor(batch.x, [batch.size, ...batch.sampleShape]), timeSteps));
      return tf.sum(tf.equal(tf.argMax(tf.mean(v, 0), -1), tf.tensor1d(batch.y, 'int32'))).dataSync()[0];
    });
    resetNet(model);
    seen += batch.size;
  }
  const testAccuracy = correct / seen;
  log(`test accuracy ${(100 * testAccuracy).toFixed(2)}% on ${seen} samples after ${step} steps`);
  return { steps: step, testAccuracy };
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
