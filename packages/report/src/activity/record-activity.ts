import { SpikeflowError, spikingLayers, tf, type Module, type NeuronModule, type Tensor } from '@spikeflow/core';

/** Spikes and membrane potential of one spiking layer for one sample. */
export interface LayerActivity {
  /** Dotted path of the layer in the model (as in `metrics.jsonl` firing rates). */
  readonly name: string;
  /** Neurons in the layer (per sample). */
  readonly neurons: number;
  readonly timeSteps: number;
  /** Mean firing rate of the layer on this sample (spikes per neuron per step). */
  readonly rate: number;
  /** Spike times of the recorded neurons: `spikes[k]` lists the steps neuron `neuronIds[k]` fired at. */
  readonly spikes: ReadonlyArray<readonly number[]>;
  /**
   * The raster's neurons (flat indices), most active first: spread evenly over the activity ranks of
   * the neurons that fired (so a layer where many fire at every step still shows its quieter ones),
   * then silent ones if there are too few.
   */
  readonly neuronIds: readonly number[];
  /** The neurons with membrane traces: those whose spike count is closest to T/2 (ties by index). */
  readonly traceIds: readonly number[];
  /**
   * Membrane potential after each step (`[T][k]` for neuron `traceIds[k]`: the value the neuron
   * carries into the next step, i.e. after reset — what SpikingJelly's `v_seq` monitor records);
   * absent when the layer has no single-step mode exposing `v`.
   */
  readonly membrane?: ReadonlyArray<readonly number[]>;
  /** The layer's firing threshold, when it has a scalar one. */
  readonly vThreshold?: number;
}

export interface RecordActivityOptions {
  /** Neurons per layer kept for the raster (default 64). */
  readonly rasterNeurons?: number;
  /** Neurons per layer with membrane traces (default 4). */
  readonly traceNeurons?: number;
}

interface SteppableNeuron {
  step(x: Tensor): Tensor;
  v: Tensor | null;
  resetState(): void;
}

function isSteppable(layer: NeuronModule): layer is NeuronModule & SteppableNeuron {
  const l = layer as unknown as Partial<SteppableNeuron>;
  return typeof l.step === 'function' && 'v' in l;
}

/**
 * Run one sample `[T, 1, ...]` through `model` in eval mode and record every spiking layer's spikes,
 * and the membrane potential of a few neurons per layer.
 *
 * Each spiking layer's input sequence is captured during the forward pass; the membrane is then
 * obtained by replaying that input through the layer's single-step mode (`step(x)` keeps `v`), which
 * gives the same dynamics as the multi-step forward (its spikes are checked against the forward's).
 *
 * @example
 * ```ts
 * const seq = directEncoder().encode(image, { timeSteps: 8, sampleIndices: [0], epoch: 0, seed: 0 });
 * const layers = recordActivity(model, seq);
 * ```
 */
export function recordActivity(model: Module, input: Tensor, options: RecordActivityOptions = {}): LayerActivity[] {
  if (input.rank < 2 || input.shape[1] !== 1) {
    throw new SpikeflowError('shape-mismatch', `recordActivity expects one time-first sample [T, 1, ...], got [${input.shape}]`);
  }
  const rasterNeurons = options.rasterNeurons ?? 64;
  const traceNeurons = options.traceNeurons ?? 4;
  const layers = spikingLayers(model);
  if (layers.length === 0) throw new SpikeflowError('invalid-options', 'recordActivity: the model has no spiking layers');
  const captured = new Map<NeuronModule, { input: Tensor; output: Tensor }>();
  const wasTraining = model.training;
  model.eval();
  // Per-instance wrappers, removed in finally so the model is left as it was.
  for (const [, layer] of layers) {
    const original = layer.forward;
    Object.defineProperty(layer, 'forward', {
      configurable: true,
      writable: true,
      value: (x: Tensor) => {
        const y = original.call(layer, x);
        if (!captured.has(layer)) captured.set(layer, { input: tf.keep(x.clone()), output: tf.keep(y.clone()) });
        return y;
      },
    });
  }
  try {
    tf.tidy(() => {
      model.resetState();
      model.forward(input);
    });
  } finally {
    for (const [, layer] of layers) delete (layer as unknown as Record<string, unknown>).forward;
    model.train(wasTraining);
  }
  try {
    return layers.map(([name, layer]) => {
      const seen = captured.get(layer);
      if (!seen) throw new SpikeflowError('invalid-options', `recordActivity: spiking layer '${name}' was not run by the model's forward`);
      return describeLayer(name, layer, seen.input, seen.output, rasterNeurons, traceNeurons);
    });
  } finally {
    for (const { input: i, output: o } of captured.values()) tf.dispose([i, o]);
    model.resetState();
  }
}

function describeLayer(name: string, layer: NeuronModule, input: Tensor, output: Tensor, rasterNeurons: number, traceNeurons: number): LayerActivity {
  const T = output.shape[0];
  const neurons = output.size / T;
  const spikes = output.dataSync();
  const counts = new Float64Array(neurons);
  let total = 0;
  for (let t = 0; t < T; t++)
    for (let n = 0; n < neurons; n++) {
      const s = spikes[t * neurons + n];
      counts[n] += s;
      total += s;
    }
  // Most active first (ties by index); from the neurons that fired, evenly spaced ranks.
  const order = Array.from({ length: neurons }, (_, n) => n).sort((a, b) => counts[b] - counts[a] || a - b);
  const firing = order.filter((n) => counts[n] > 0);
  const want = Math.min(rasterNeurons, neurons);
  const neuronIds =
    firing.length > want ? Array.from({ length: want }, (_, k) => firing[Math.floor((k * firing.length) / want)]) : [...firing, ...order.slice(firing.length, want)];
  // Traces are most telling for neurons that fire about every other step (one that fires at every step
  // is reset to the same value each time).
  const traceIds = Array.from({ length: neurons }, (_, n) => n)
    .sort((a, b) => Math.abs(counts[a] - T / 2) - Math.abs(counts[b] - T / 2) || a - b)
    .slice(0, Math.min(traceNeurons, neurons));
  const times = neuronIds.map((n) => {
    const fired: number[] = [];
    for (let t = 0; t < T; t++) if (spikes[t * neurons + n] !== 0) fired.push(t);
    return fired;
  });
  const vThreshold = typeof (layer as unknown as { vThreshold?: unknown }).vThreshold === 'number' ? (layer as unknown as { vThreshold: number }).vThreshold : undefined;
  const base = { name, neurons, timeSteps: T, rate: total / (T * neurons), spikes: times, neuronIds, traceIds, vThreshold };
  if (!isSteppable(layer)) return base;
  const membrane: number[][] = [];
  layer.resetState();
  try {
    for (let t = 0; t < T; t++) {
      const step = tf.tidy(() => tf.squeeze(tf.slice(input, [t], [1]), [0]));
      const s = layer.step(step);
      const stepSpikes = s.dataSync();
      // The replay must reproduce the forward's spikes, or the traces would describe another run.
      for (let n = 0; n < neurons; n++) {
        if (stepSpikes[n] !== spikes[t * neurons + n]) {
          throw new SpikeflowError('invalid-state', `recordActivity: layer '${name}' single-step replay fired differently from its forward at step ${t}, neuron ${n}`);
        }
      }
      const v = layer.v ? layer.v.dataSync() : null;
      membrane.push(traceIds.map((n) => (v ? v[n] : Number.NaN)));
      tf.dispose([step, s]);
    }
  } finally {
    layer.resetState();
  }
  return { ...base, membrane };
}
