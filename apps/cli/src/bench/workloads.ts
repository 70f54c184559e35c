// The benchmark workloads of `spikeflow bench` (issue "Performance"), each run on the current backend:
//   W1 lif-mlp:    Fashion-MNIST 784-512-10, LIF (tau 2, ATan), T=8, batch 128, Adam — training samples/s
//   W2 conv-snn:   conv(1→32)-BN-IF-pool, conv(32→32)-BN-IF-pool, FC(1568→128)-IF, FC(128→10)-IF, T=4,
//                  batch 64, Adam — training samples/s
//   W3 lif-kernel: multi-step LIF forward+backward on [T, 64, 16384] — ms per call, fused vs composed
import { Adam, Trainer, manualSeed, tf, type Batch, type Dataset, type Module, type Spikeflow, type Tensor } from '@spikeflow/core';
import { DataLoader } from '@spikeflow/datasets';
import { LIFNode, atan } from '@spikeflow/neurons';

export type WorkloadId = 'W1' | 'W2' | 'W3';
export const WORKLOADS: readonly WorkloadId[] = ['W1', 'W2', 'W3'];

/** One measured line of the benchmark table. */
export interface BenchRow {
  readonly workload: WorkloadId;
  readonly engine: 'spikeflow' | 'pytorch';
  /** Backend (spikeflow) or 'cpu-eager' (PyTorch). */
  readonly backend: string;
  /** What ran, e.g. `fused` / `composed` for W3, the model for W1/W2. */
  readonly variant: string;
  /** W3: the time steps. */
  readonly T?: number;
  readonly metric: 'samples/s' | 'ms/call';
  /** Median over runs. */
  readonly value: number;
  readonly runs: readonly number[];
  readonly note?: string;
}

export interface WorkloadOptions {
  /** Training steps per timed run (W1/W2). */
  readonly steps: number;
  /** Timed runs (the median is reported). */
  readonly repeats: number;
  /** W3 time steps. */
  readonly timeSteps: readonly number[];
  /** Skip the composed-op W3 reference above this T (it is slow and memory hungry). */
  readonly composedMaxT: number;
  readonly log: (line: string) => void;
}

export const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** The W1/W2 model and trainer settings (shared with the PyTorch peers in benchmarks/peers). */
export const TRAIN_WORKLOADS = {
  W1: {
    model: 'lif-mlp',
    options: { hidden: [512] },
    neuron: { id: 'lif', options: { tau: 2, surrogate: 'atan' } },
    timeSteps: 8,
    batchSize: 128,
    lr: 1e-3,
    label: 'lif-mlp 784-512-10 LIF(tau 2, ATan) T=8 B=128',
  },
  W2: {
    model: 'conv-fmnist',
    options: { channels: 32, hidden: 128 },
    neuron: { id: 'if', options: { surrogate: 'atan' } },
    timeSteps: 4,
    batchSize: 64,
    lr: 1e-3,
    label: 'conv-snn 32c3-BN-IF-p2-32c3-BN-IF-p2-128-10 T=4 B=64',
  },
} as const;

/** Median training samples/s of W1 or W2 on the current backend (Adam, MSE on rates, direct encoding). */
export async function runTrainWorkload(id: 'W1' | 'W2', sf: Spikeflow, train: Dataset, backend: string, o: WorkloadOptions): Promise<BenchRow> {
  const w = TRAIN_WORKLOADS[id];
  manualSeed(0);
  const encoder = sf.encoder('direct');
  const model: Module = sf.model(w.model, w.options, {
    inputShape: train.sampleShape,
    numClasses: train.numClasses,
    neuron: w.neuron,
    staticInput: encoder.timeInvariant === true,
  });
  const optimizer = new Adam(model.namedParameters(), { lr: w.lr });
  const trainer = new Trainer({ model, optimizer, encoder, loss: sf.loss('mse-rate'), timeSteps: w.timeSteps, numClasses: train.numClasses, seed: 0 });
  const loader = new DataLoader({ dataset: train, batchSize: w.batchSize, shuffle: true, seed: 0 });
  const it = loader.batches(0)[Symbol.asyncIterator]();
  const next = async (): Promise<Batch> => {
    const r = await it.next();
    if (r.done) throw new Error('the training set ran out of batches during the benchmark');
    return r.value;
  };
  for (let i = 0; i < 3; i++) trainer.trainStep(await next()); // warm-up: kernels, allocations
  const runs: number[] = [];
  for (let r = 0; r < o.repeats; r++) {
    const t0 = performance.now();
    for (let i = 0; i < o.steps; i++) trainer.trainStep(await next());
    const rate = (o.steps * w.batchSize * 1000) / (performance.now() - t0);
    runs.push(rate);
    o.log(`  ${id} spikeflow/${backend} run ${r + 1}/${o.repeats}: ${rate.toFixed(1)} samples/s`);
  }
  await it.return?.();
  model.dispose();
  optimizer.dispose();
  return { workload: id, engine: 'spikeflow', backend, variant: w.label, metric: 'samples/s', value: median(runs), runs };
}

/** W3: ms per forward+backward of a multi-step LIF (tau 2, ATan) on [T, 64, 16384], fused and composed. */
export function runLifKernel(backend: string, o: WorkloadOptions): BenchRow[] {
  const rows: BenchRow[] = [];
  for (const T of o.timeSteps) {
    for (const fused of [true, false]) {
      if (!fused && T > o.composedMaxT) continue;
      const shape = [T, 64, 16384];
      const x = tf.randomUniform(shape, -1, 3, 'float32', 1);
      const dy = tf.randomUniform(shape, -1, 1, 'float32', 2);
      const node = new LIFNode({ tau: 2, surrogate: atan(), fused });
      const grad = tf.grad((xi: Tensor) => node.forward(xi));
      // One call = forward + backward, finished by reading a checksum of dL/dx (the peer does the same).
      const call = () => tf.tidy(() => tf.sum(grad(x, dy)).dataSync()[0]);
      call(); // warm-up
      const runs: number[] = [];
      for (let r = 0; r < o.repeats; r++) {
        const t0 = performance.now();
        call();
        runs.push(performance.now() - t0);
      }
      o.log(`  W3 spikeflow/${backend} ${fused ? 'fused' : 'composed'} T=${T}: ${runs.map((v) => v.toFixed(0)).join(', ')} ms`);
      rows.push({ workload: 'W3', engine: 'spikeflow', backend, variant: fused ? 'fused' : 'composed', T, metric: 'ms/call', value: median(runs), runs });
      tf.dispose([x, dy]);
      node.dispose();
    }
  }
  return rows;
}
