// Step modes, monitors and one-line plots (docs/training-loop.md). Writes raster.svg and membrane.png into `outDir`.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  Flatten,
  Linear,
  NonSpikingLIF,
  Sequential,
  createSpikeflow,
  manualSeed,
  monitorMembrane,
  monitorSpikes,
  repeatTime,
  resetNet,
  selectBackend,
  setStepMode,
  tf,
} from '@spikeflow/core';
import { neurons } from '@spikeflow/neurons';
import { plotMembrane, plotRaster } from '@spikeflow/report';

export async function main(outDir = '.') {
  await selectBackend('auto');
  const sf = createSpikeflow({ plugins: [neurons()] });
  manualSeed(0);
  const model = new Sequential(new Flatten(), new Linear(784, 128), sf.neuron('lif', { tau: 2 }), new Linear(128, 10), new NonSpikingLIF());
  const x = repeatTime(tf.randomUniform([2, 28, 28, 1], 0, 4, 'float32', 0), 8); // [T=8, B=2, 28, 28, 1]

  // Monitors on any layer, by the path namedModules() gives ('2' is the LIF layer).
  const spikes = monitorSpikes(model, '2');
  const membrane = monitorMembrane(model, '2');
  const multi = model.forward(x); // multi-step: the whole sequence at once

  // Single-step: one time step per call, state kept until resetNet.
  setStepMode(model, 's');
  resetNet(model);
  const single = tf.concat(
    tf.split(x, 8, 0).map((xt) => model.forward(xt)),
    0,
  );
  setStepMode(model, 'm');

  writeFileSync(join(outDir, 'raster.svg'), (await plotRaster(spikes.records[0], { maxNeurons: 64 })).svg);
  writeFileSync(join(outDir, 'membrane.png'), (await plotMembrane(membrane.records[0], { neurons: [0, 1, 2, 3], threshold: 1 })).png);
  const result = {
    sameOutput: tf.max(tf.abs(tf.sub(multi, single))).dataSync()[0] === 0,
    spikeCount: tf.sum(spikes.records[0]).dataSync()[0],
    records: spikes.records.length,
  };
  spikes.remove();
  membrane.remove();
  return result;
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(await main());
