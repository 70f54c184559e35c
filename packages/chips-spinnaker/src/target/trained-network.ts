import { ProgressBar, SpikeflowError, tf, type HardwareIO, type TrainedNetwork } from '@spikeflow/core';
import { mapModel, offchipCurrents } from '../network/map-model.js';
import type { SpinnakerNetwork } from '../network/spinnaker-network.js';
import type { QuantizationReport } from '../fixed/fixed-point-network.js';

/** A trained run's model as a SpiNNaker network: the first layer off-chip, fed by direct-encoded input. */
export function mapTrained(trained: TrainedNetwork): SpinnakerNetwork {
  const encoder = trained.encoderId.replace(/^core\//, '');
  if (encoder !== 'direct')
    throw new SpikeflowError(
      'not-supported',
      `SpiNNaker export computes the first layer off-chip from direct-encoded (analog) input; this checkpoint uses the '${trained.encoderId}' encoder`,
    );
  return mapModel(trained.model, { timeSteps: trained.timeSteps, input: 'current', inputShape: trained.test.sampleShape });
}

/** The first population's currents for the test samples at `indices`, in batches, with progress. */
export function testCurrents(trained: TrainedNetwork, network: SpinnakerNetwork, indices: Int32Array, io: HardwareIO): { currents: Float32Array; labels: Int32Array } {
  const n = indices.length;
  const size = network.populations[0].size;
  const currents = new Float32Array(n * size);
  const labels = new Int32Array(n);
  const bar = io.quiet || n < 1000 ? undefined : new ProgressBar({ total: n, label: 'off-chip layer', unit: 'samples', force: io.forceProgress });
  for (let start = 0; start < n; start += 500) {
    const count = Math.min(500, n - start);
    const b = trained.test.getBatch(indices.subarray(start, start + count));
    currents.set(offchipCurrents(network, b.x, count), start * size);
    labels.set(b.y, start);
    bar?.tick(count);
  }
  bar?.done();
  return { currents, labels };
}

/** The trained model's own (float32, TensorFlow.js) accuracy on the test samples at `indices` with direct encoding. */
export function floatAccuracy(trained: TrainedNetwork, indices: Int32Array): number {
  const n = indices.length;
  let ok = 0;
  const T = trained.timeSteps;
  const shape = trained.test.sampleShape;
  for (let start = 0; start < n; start += trained.evalBatchSize) {
    const count = Math.min(trained.evalBatchSize, n - start);
    const b = trained.test.getBatch(indices.subarray(start, start + count));
    const pred = tf.tidy(() => {
      const x = tf.tensor(b.x, [count, ...shape]);
      const xs = tf.broadcastTo(tf.expandDims(x, 0), [T, count, ...shape]);
      return tf.argMax(tf.sum(trained.model.forward(xs), 0), -1).dataSync();
    });
    for (let i = 0; i < count; i++) if (pred[i] === b.y[i]) ok++;
  }
  return ok / n;
}

/** Human lines for a quantisation report. */
export function formatQuantization(report: readonly QuantizationReport[]): string[] {
  return report.map((p) =>
    p.weights === 0
      ? `  ${p.population}: no synapses on chip (driven by i_offset)`
      : `  ${p.population}: ring-buffer shift exc ${p.shifts[0]} / inh ${p.shifts[1]} → weight step ${p.resolution[0]} / ${p.resolution[1]}; ${p.roundedToZero} of ${p.weights} weights round to zero; max |error| ${p.maxError.toPrecision(3)}`,
  );
}
