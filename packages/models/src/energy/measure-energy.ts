import { Conv2d, Linear, NeuronModule, SpikeflowError, repeatTime, tf, type Module, type Tensor } from '@spikeflow/core';
import type { OpCounter } from './op-counter.js';

/** Energy per operation at 45 nm (Horowitz, ISSCC 2014): a 32-bit float multiply-accumulate. */
export const E_MAC_PJ = 4.6;
/** Energy per operation at 45 nm (Horowitz, ISSCC 2014): a 32-bit float addition (accumulate). */
export const E_AC_PJ = 0.9;

export interface EnergyOptions {
  /** T, when `input` is a static batch `[B, ...]` (given once, as direct encoding does). */
  readonly timeSteps?: number;
  /** Energy of one MAC in pJ. Default {@link E_MAC_PJ}. */
  readonly eMacPj?: number;
  /** Energy of one accumulate (synaptic operation) in pJ. Default {@link E_AC_PJ}. */
  readonly eAcPj?: number;
}

/** One counted product (a Linear, a Conv2d, or a row a module's `countOps` gave). Figures are per sample. */
export interface EnergyRow {
  /** Module path (`fc1`, `features.0`), plus `/<op>` for `countOps` rows; `(model)` for the root. */
  readonly name: string;
  /** `linear`, `conv2d`, or the counting module's class name. */
  readonly kind: string;
  /** Firing rate of the input spikes, or `analog` for a real-valued input. */
  readonly inputRate: number | 'analog';
  /** Dense MACs per sample per time step. */
  readonly macs: number;
  /** Synaptic operations over the T steps, `rate · T · MACs` (0 for analog input). */
  readonly sops: number;
  /** MACs over the T steps, `T · MACs`, for analog input (0 for spike input). */
  readonly flops: number;
  /** `SOPs · E_AC + FLOPs · E_MAC`, pJ per sample. */
  readonly energyPj: number;
}

/** Output firing rate of one spiking layer. */
export interface NeuronRateRow {
  readonly name: string;
  readonly kind: string;
  /** Spikes per neuron per step over the measured batch. */
  readonly rate: number;
  /** Neurons per sample. */
  readonly neurons: number;
}

/** What {@link measureEnergy} returns; energies are per sample (one inference of T steps). */
export interface EnergyReport {
  readonly timeSteps: number;
  /** Samples measured: every per-sample figure is the mean over them. */
  readonly batchSize: number;
  readonly eMacPj: number;
  readonly eAcPj: number;
  readonly layers: readonly EnergyRow[];
  readonly neurons: readonly NeuronRateRow[];
  /** Σ MACs per sample per step (the dense network). */
  readonly totalMacs: number;
  readonly totalSops: number;
  readonly totalFlops: number;
  /** `Σ FLOPs·E_MAC + Σ SOPs·E_AC`, pJ per sample. */
  readonly energyPj: number;
  /** The same layers as a non-spiking network, one step of dense MACs: `Σ MACs · E_MAC`, pJ per sample. */
  readonly annEnergyPj: number;
}

interface Tally {
  kind: string;
  macs: number;
  spikeMacs: number;
  sops: number;
  flops: number;
}

const perSample = (shape: readonly number[], from: number, to = shape.length) => shape.slice(from, to).reduce((a, b) => a * b, 1);

/** Mean |x| when every value is 0 or ±1 (a spike tensor), else null (analog). */
function spikeRate(x: Tensor): number | null {
  const [binary, total] = tf.tidy(() => {
    const a = tf.abs(x);
    // A spike count is an exact integer in float32 (below 2^24), so sum then divide in float64.
    return [tf.all(tf.logicalOr(tf.equal(a, 0), tf.equal(a, 1))), tf.sum(a)];
  });
  const isSpike = binary!.dataSync()[0] === 1;
  const rate = total!.dataSync()[0]! / x.size;
  tf.dispose([binary!, total!]);
  return isSpike ? rate : null;
}

function isOpCounter(m: Module): m is Module & OpCounter {
  return typeof (m as Partial<OpCounter>).countOps === 'function';
}

/**
 * Count the operations of one inference and estimate its energy, the way SNN papers do
 * (Spikformer, SEW-ResNet, ...): run `model` once in eval mode on `input` (`[T, B, ...]`, or a static
 * `[B, ...]` with `options.timeSteps`) while observing every Linear, Conv2d and NeuronModule, and
 * every module with a `countOps` method ({@link OpCounter}).
 *
 * - MACs per sample per step: Linear `positions·in·out`, Conv2d `outH·outW·Cout·Cin·kh·kw`
 *   (bias additions, normalisation, pooling and neuron updates are not counted).
 * - A layer whose input is all 0/±1 is spike-fed: `SOPs = rate · T · MACs`; otherwise analog:
 *   `FLOPs = T · MACs`.
 * - `E = Σ FLOPs · E_MAC + Σ SOPs · E_AC`, 45 nm figures E_MAC = 4.6 pJ, E_AC = 0.9 pJ by default.
 *
 * The instrumentation is removed and the modules' modes are restored afterwards, even on error.
 *
 * @example
 * ```ts
 * const report = measureEnergy(model, images, { timeSteps: 4 }); // images [B, 28, 28, 1]
 * console.log(formatEnergyReport(report));
 * ```
 */
export function measureEnergy(model: Module, input: Tensor, options: EnergyOptions = {}): EnergyReport {
  const eMacPj = options.eMacPj ?? E_MAC_PJ;
  const eAcPj = options.eAcPj ?? E_AC_PJ;
  if (!(eMacPj >= 0 && eAcPj >= 0)) throw new SpikeflowError('invalid-options', `measureEnergy: eMacPj and eAcPj must be non-negative numbers, got ${eMacPj} and ${eAcPj}`);
  const staticInput = options.timeSteps !== undefined;
  if (staticInput && (!Number.isInteger(options.timeSteps) || options.timeSteps! < 1)) {
    throw new SpikeflowError('invalid-options', `measureEnergy: timeSteps must be a positive integer, got ${options.timeSteps}`);
  }
  if (input.rank < (staticInput ? 1 : 2)) {
    throw new SpikeflowError(
      'shape-mismatch',
      `measureEnergy: expected input ${staticInput ? '[B, ...]' : '[T, B, ...] (or a static [B, ...] with options.timeSteps)'}, got [${input.shape}]`,
    );
  }
  const T = staticInput ? options.timeSteps! : input.shape[0]!;
  const batchSize = staticInput ? input.shape[0]! : input.shape[1]!;

  const tallies = new Map<string, Tally>();
  const rates = new Map<string, { kind: string; spikes: number; count: number; neurons: number }>();
  const add = (name: string, kind: string, macs: number, rate: number | null) => {
    const t = tallies.get(name) ?? { kind, macs: 0, spikeMacs: 0, sops: 0, flops: 0 };
    tallies.set(name, t);
    t.macs += macs;
    if (rate === null) t.flops += T * macs;
    else {
      t.spikeMacs += macs;
      t.sops += rate * T * macs;
    }
  };
  const observe = (path: string, m: Module, x: Tensor, y: Tensor) => {
    const name = path || '(model)';
    if (isOpCounter(m)) {
      for (const op of m.countOps(x, y)) add(`${name}/${op.name}`, m.constructor.name, op.macs, op.inputRate);
    } else if (m instanceof Linear) {
      add(name, 'linear', perSample(x.shape, 2, x.rank - 1) * m.inFeatures * m.outFeatures, spikeRate(x));
    } else if (m instanceof Conv2d) {
      const [kh, kw] = m.kernelSize;
      add(name, 'conv2d', perSample(y.shape, 2) * m.inChannels * kh * kw, spikeRate(x));
    }
    if (m instanceof NeuronModule) {
      const r = rates.get(name) ?? { kind: m.describe(), spikes: 0, count: 0, neurons: perSample(y.shape, 2) };
      rates.set(name, r);
      const total = tf.tidy(() => tf.sum(tf.abs(y)));
      r.spikes += total.dataSync()[0]!;
      total.dispose();
      r.count += y.size;
    }
  };

  const modules = model.namedModules();
  const modes = modules.map(([, m]) => m.training);
  const restore: Array<() => void> = [];
  try {
    for (const [path, m] of modules) {
      if (!(isOpCounter(m) || m instanceof Linear || m instanceof Conv2d || m instanceof NeuronModule)) continue;
      const own = Object.prototype.hasOwnProperty.call(m, 'forward') ? m.forward : undefined;
      const inner = m.forward;
      m.forward = (x: Tensor): Tensor => {
        const y = inner.call(m, x);
        observe(path, m, x, y);
        return y;
      };
      restore.push(() => {
        if (own) m.forward = own;
        else delete (m as { forward?: unknown }).forward;
      });
    }
    model.eval();
    model.resetState();
    tf.tidy(() => {
      if (staticInput) model.forwardStatic(input, T) ?? model.forward(repeatTime(input, T));
      else model.forward(input);
    });
  } finally {
    for (const undo of restore) undo();
    modules.forEach(([, m], i) => {
      m.training = modes[i]!;
    });
    model.resetState();
  }

  const layers: EnergyRow[] = [...tallies].map(([name, t]) => ({
    name,
    kind: t.kind,
    inputRate: t.spikeMacs === 0 ? 'analog' : t.sops / (T * t.spikeMacs),
    macs: t.macs,
    sops: t.sops,
    flops: t.flops,
    energyPj: t.sops * eAcPj + t.flops * eMacPj,
  }));
  const sum = (f: (r: EnergyRow) => number) => layers.reduce((a, r) => a + f(r), 0);
  return {
    timeSteps: T,
    batchSize,
    eMacPj,
    eAcPj,
    layers,
    neurons: [...rates].map(([name, r]) => ({ name, kind: r.kind, rate: r.spikes / r.count, neurons: r.neurons })),
    totalMacs: sum((r) => r.macs),
    totalSops: sum((r) => r.sops),
    totalFlops: sum((r) => r.flops),
    energyPj: sum((r) => r.energyPj),
    annEnergyPj: sum((r) => r.macs) * eMacPj,
  };
}
