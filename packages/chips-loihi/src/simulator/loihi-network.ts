import { SpikeflowError } from '@spikeflow/core';
import { DenseSynapse, type SignMode } from './dense-synapse.js';
import { ConvSynapse, type ConvGeometry2d } from './conv-synapse.js';
import { LoihiLif, type LoihiLifParams } from './loihi-lif.js';
import { DelayDenseSynapse } from './delay-dense-synapse.js';

/** What every layer on the chip has: integer weights and the LIF population they feed. */
interface LoihiLayerBase {
  readonly inFeatures: number;
  readonly outFeatures: number;
  readonly weightExp: number;
  readonly numWeightBits: number;
  readonly signMode?: SignMode;
  readonly neuron: LoihiLifParams;
}

/** One fully connected layer on the chip: a dense synapse group feeding a LIF population. */
export interface LoihiDenseLayer extends LoihiLayerBase {
  readonly kind: 'dense';
  /** Integer weights `[out, in]` row-major, as netx stores them. */
  readonly weights: Int32Array;
  /**
   * Per-synapse delays in steps, `[out, in]` row-major (0..62; Lava's DelayDense, which netx
   * builds for a layer with a `delay` dataset). Absent: a plain Dense.
   */
  readonly delays?: Int32Array;
}

/**
 * One convolutional layer: a conv synapse group feeding a LIF population (CHW activations); its
 * neuron's bias mantissas are per output channel (or one value).
 */
export interface LoihiConvLayer extends LoihiLayerBase, ConvGeometry2d {
  readonly kind: 'conv';
  /** Integer weights `[out, in, kH, kW]`. */
  readonly weights: Int32Array;
}

/** Any layer the simulator runs. */
export type LoihiLayer = LoihiDenseLayer | LoihiConvLayer;

/** Per-neuron bias of a layer: conv biases are per channel and repeat over H×W. */
export function expandBias(l: LoihiLayer): LoihiLifParams {
  const b = l.neuron.biasMant;
  if (l.kind !== 'conv' || typeof b === 'number' || b.length === l.outFeatures) return l.neuron;
  const [O, OH, OW] = l.outShape;
  if (b.length !== O) throw new SpikeflowError('shape-mismatch', `conv bias has ${b.length} values for ${O} channels`);
  const full = new Int32Array(O * OH * OW);
  for (let o = 0; o < O; o++) full.fill(b[o], o * OH * OW, (o + 1) * OH * OW);
  return { ...l.neuron, biasMant: full };
}

/** A feed-forward chip network: the first layer takes the (graded) input, the rest binary spikes. */
export interface LoihiNetworkSpec {
  readonly layers: readonly LoihiLayer[];
  /** Bits of the graded input payload (0: binary spikes). */
  readonly inputMessageBits: number;
}

/** Result of one sample. */
export interface LoihiRunResult {
  /** Spike counts per layer (index = layer). */
  readonly counts: readonly Int32Array[];
  /** Total current wrap-arounds in all layers (0 in a well-scaled network). */
  readonly wraps: number;
  /** Time steps simulated. */
  readonly steps: number;
}

/** Options of {@link LoihiNetwork.run}. */
export interface LoihiRunOptions {
  /**
   * Reproduce Lava's process timing, where every Dense process emits the input it accumulated in
   * the previous step (one step of latency per layer): the input is held for `steps` steps and
   * the network runs `steps + layers` steps (plus each delayed layer's largest synaptic delay)
   * so every spike reaches the output. Default true. With `false` a layer sees its input in the
   * same step (spikeflow's float timing) and a synapse of delay d adds d steps.
   */
  readonly lavaTiming?: boolean;
}

/**
 * Simulates a feed-forward network of Lava bit-accurate Dense synapses and LIF neurons.
 *
 * @example
 * ```ts
 * const net = new LoihiNetwork({ inputMessageBits: 8, layers: [layer1, layer2] });
 * const { counts } = net.run(Int32Array.from(pixels), 8);
 * const predicted = argmax(counts[counts.length - 1]);
 * ```
 */
export class LoihiNetwork {
  readonly spec: LoihiNetworkSpec;
  readonly synapses: ReadonlyArray<DenseSynapse | ConvSynapse>;
  /** The delay buffer of each layer with synaptic delays (null for a plain Dense or Conv). */
  readonly delayed: ReadonlyArray<DelayDenseSynapse | null>;
  readonly neurons: readonly LoihiLif[];

  constructor(spec: LoihiNetworkSpec) {
    if (spec.layers.length === 0) throw new SpikeflowError('invalid-options', 'a Loihi network needs at least one layer');
    for (let i = 1; i < spec.layers.length; i++) {
      if (spec.layers[i].inFeatures !== spec.layers[i - 1].outFeatures) {
        throw new SpikeflowError('shape-mismatch', `layer ${i} takes ${spec.layers[i].inFeatures} inputs but layer ${i - 1} has ${spec.layers[i - 1].outFeatures} neurons`);
      }
    }
    this.spec = spec;
    this.synapses = spec.layers.map((l) => {
      const options = { weightExp: l.weightExp, numWeightBits: l.numWeightBits, signMode: l.signMode };
      if (l.kind === 'conv') {
        const syn = new ConvSynapse(l.weights, l, options);
        if (syn.inSize !== l.inFeatures || syn.outSize !== l.outFeatures)
          throw new SpikeflowError('shape-mismatch', `conv layer sizes ${l.inFeatures}→${l.outFeatures} disagree with its geometry ${syn.inSize}→${syn.outSize}`);
        return syn;
      }
      return new DenseSynapse(l.weights, l.outFeatures, l.inFeatures, options);
    });
    this.delayed = spec.layers.map((l) =>
      l.kind === 'dense' && l.delays
        ? new DelayDenseSynapse(l.weights, l.delays, l.outFeatures, l.inFeatures, { weightExp: l.weightExp, numWeightBits: l.numWeightBits, signMode: l.signMode })
        : null,
    );
    this.neurons = spec.layers.map((l) => new LoihiLif(l.outFeatures, expandBias(l)));
  }

  /** Run one sample: `input` (integer payloads, or 0/1 spikes) is presented for `steps` time steps. */
  run(input: ArrayLike<number>, steps: number, options: LoihiRunOptions = {}): LoihiRunResult {
    const lavaTiming = options.lavaTiming ?? true;
    const L = this.neurons.length;
    if (input.length !== this.spec.layers[0].inFeatures)
      throw new SpikeflowError('shape-mismatch', `network input has ${input.length} entries, expected ${this.spec.layers[0].inFeatures}`);
    const maxPayload = this.spec.inputMessageBits === 0 ? 1 : 2 ** this.spec.inputMessageBits - 1;
    for (let i = 0; i < input.length; i++) {
      const x = input[i];
      if (!Number.isInteger(x) || x < 0 || x > maxPayload) {
        throw new SpikeflowError(
          'unrepresentable',
          `input[${i}] = ${x} is not a ${this.spec.inputMessageBits === 0 ? 'binary spike' : `${this.spec.inputMessageBits}-bit graded payload`} (integer in [0, ${maxPayload}])`,
        );
      }
    }
    for (const n of this.neurons) n.reset();
    for (const d of this.delayed) d?.reset();
    const wraps0 = this.neurons.reduce((a, n) => a + n.wraps, 0);
    const counts = this.neurons.map((n) => new Int32Array(n.size));
    const spikes = this.neurons.map((n) => new Uint8Array(n.size));
    const zeros = this.neurons.map((n) => new Int32Array(n.size));
    // The input is constant while presented, so its accumulation is computed once.
    const inputDrive = this.delayed[0] ? zeros[0] : this.synapses[0].accumulate(input);
    // Lava timing runs until every spike, delayed ones included, can reach the output.
    const total = lavaTiming ? steps + L + this.delayed.reduce((a, d) => a + (d ? d.maxDelay : 0), 0) : steps;
    // Lava timing: buffered[k] is what Dense k accumulated in the previous step.
    let buffered: Int32Array[] = this.neurons.map((n) => new Int32Array(n.size));
    for (let t = 0; t < total; t++) {
      const next: Int32Array[] = [];
      for (let k = 0; k < L; k++) {
        let drive: Int32Array;
        const delay = this.delayed[k];
        if (delay) {
          const pre = k === 0 ? (t < steps ? input : null) : spikes[k - 1];
          // Lava emits what is due, then takes this step's input (delay d arrives d + 1 steps
          // later); spikeflow's timing takes the input first (delay d arrives d steps later).
          if (!lavaTiming && pre) delay.receive(pre);
          drive = delay.emit();
          if (lavaTiming && pre) delay.receive(pre);
          next.push(drive);
        } else if (lavaTiming) {
          drive = buffered[k];
          // Dense k accumulates this step's presynaptic spikes for the next step.
          if (k === 0) next.push(t < steps ? inputDrive : zeros[0]);
          else next.push(this.synapses[k].accumulate(spikes[k - 1]));
        } else {
          drive = k === 0 ? (t < steps ? inputDrive : zeros[0]) : this.synapses[k].accumulate(spikes[k - 1]);
        }
        this.neurons[k].step(drive, spikes[k]);
        const c = counts[k];
        const s = spikes[k];
        for (let i = 0; i < s.length; i++) c[i] += s[i];
      }
      if (lavaTiming) buffered = next;
    }
    return { counts, wraps: this.neurons.reduce((a, n) => a + n.wraps, 0) - wraps0, steps: total };
  }
}
