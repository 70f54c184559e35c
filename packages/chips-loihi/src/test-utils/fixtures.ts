import { BaseNode, tf, type Module, type NeuronDynamics, type NeuronReset, type SurrogateFunction, type Tensor } from '@spikeflow/core';
import type { FloatNetwork } from '../quantize/float-network.js';

/** A small deterministic generator for test data (xorshift32). */
export function makeRandom(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 2 ** 32;
  };
}

/**
 * Loads random weights into every tensor of `m`, drawn in order from `makeRandom(seed)`: uniform in
 * ±scale, except BatchNorm running variances, uniform in [0.5, 1.5) (a variance must be positive).
 */
export function setRandomWeights(m: Module, seed: number, scale = 1): void {
  const rnd = makeRandom(seed);
  const entries = m.namedTensors().map((e) => {
    const n = e.variable.size;
    const isVar = e.name.endsWith('running_var');
    const data = Float32Array.from({ length: n }, () => (isVar ? 0.5 + rnd() : (rnd() * 2 - 1) * scale));
    return [e.name, { shape: [...e.variable.shape], data }] as [string, { shape: number[]; data: Float32Array }];
  });
  m.loadStateDict(new Map(entries));
}

/** The reset a test neuron describes: hard to its V_reset, or soft (V_reset null). */
function resetOf(vReset: number | null): NeuronReset {
  return vReset === null ? { kind: 'soft' } : { kind: 'hard', vReset };
}

const surrogate: SurrogateFunction = {
  id: 'test/sigmoid',
  params: { alpha: 4 },
  primitive: (x: Tensor) => tf.sigmoid(tf.mul(x, 4)),
  derivative: (x: Tensor) =>
    tf.tidy(() => {
      const s = tf.sigmoid(tf.mul(x, 4));
      return tf.mul(tf.mul(s, tf.sub(1, s)), 4);
    }),
};

/**
 * SpikingJelly's LIF written out here (charge `H = V + (X − V)/τ` with decay_input), so the tests
 * do not depend on the neurons plugin; it describes its dynamics as `lif`.
 */
export class TestLif extends BaseNode {
  constructor(
    readonly tau = 2,
    readonly decayInput = true,
    options: { vThreshold?: number; vReset?: number | null } = {},
  ) {
    super({ surrogate, vThreshold: options.vThreshold, vReset: options.vReset });
  }

  protected neuronalCharge(x: Tensor, v: Tensor): Tensor {
    const vr = this.vReset ?? 0;
    return this.decayInput ? tf.add(v, tf.div(tf.sub(x, tf.sub(v, vr)), this.tau)) : tf.add(tf.sub(v, tf.div(tf.sub(v, vr), this.tau)), x);
  }

  override dynamics(): NeuronDynamics {
    return { kind: 'lif', tau: this.tau, decayInput: this.decayInput, vThreshold: this.vThreshold, reset: resetOf(this.vReset), learnable: [] };
  }

  override describe(): string {
    return `TestLif(tau=${this.tau})`;
  }
}

/**
 * SpikingJelly's IF (`H = V + X`) written out here; it describes its dynamics as `if`.
 */
export class TestIf extends BaseNode {
  constructor(options: { vThreshold?: number; vReset?: number | null } = {}) {
    super({ surrogate, vThreshold: options.vThreshold, vReset: options.vReset });
  }

  protected neuronalCharge(x: Tensor, v: Tensor): Tensor {
    return tf.add(v, x);
  }

  override dynamics(): NeuronDynamics {
    return { kind: 'if', vThreshold: this.vThreshold, reset: resetOf(this.vReset), learnable: [] };
  }

  override describe(): string {
    return 'IFNode(test)';
  }
}

/** A random dense float network (weights uniform in ±scale/√in) with LIF τ = 2 neurons. */
export function randomFloatNetwork(widths: readonly number[], seed: number, options: { bias?: boolean; scale?: number } = {}): FloatNetwork {
  const rnd = makeRandom(seed);
  const layers = [];
  for (let i = 0; i + 1 < widths.length; i++) {
    const [inF, outF] = [widths[i], widths[i + 1]];
    const bound = (options.scale ?? 3) / Math.sqrt(inF);
    const weight = Float32Array.from({ length: inF * outF }, () => (2 * rnd() - 1) * bound);
    const bias = options.bias ? Float32Array.from({ length: outF }, () => (2 * rnd() - 1) * 0.1) : null;
    layers.push({
      kind: 'dense' as const,
      name: `fc${i}`,
      inFeatures: inF,
      outFeatures: outF,
      weight,
      bias,
      neuron: { kind: 'lif' as const, tau: 2, decayInput: true, vThreshold: 1, vReset: 0 },
    });
  }
  return { inputShape: [widths[0]], layers };
}

/** `n` random inputs in [0, 1], flattened. */
export function randomInputs(n: number, width: number, seed: number): Float32Array {
  const rnd = makeRandom(seed);
  return Float32Array.from({ length: n * width }, () => rnd());
}

/**
 * The CUBA-LIF of `@spikeflow/neurons` (CubaLIFNode) written out here so the tests do not depend
 * on the neurons plugin: `I = (1 − 1/τ_syn)·I + X`, `H = (1 − 1/τ_mem)·V + I`, fire at
 * `H ≥ V_th`, hard reset of V (the current is kept). It describes its dynamics as `cuba-lif`.
 */
export class TestCubaLif extends BaseNode {
  constructor(
    readonly tauSyn = 2,
    readonly tauMem = 4,
    options: { vThreshold?: number; vReset?: number | null } = {},
  ) {
    super({ surrogate, vThreshold: options.vThreshold, vReset: options.vReset });
  }

  protected neuronalCharge(current: Tensor, v: Tensor): Tensor {
    return tf.add(tf.mul(v, 1 - 1 / this.tauMem), current);
  }

  override forward(xSeq: Tensor): Tensor {
    return tf.tidy(() => {
      const steps = tf.unstack(xSeq, 0);
      let i: Tensor = tf.zeros(steps[0].shape);
      let v: Tensor = this.initialV(steps[0].shape);
      const out: Tensor[] = [];
      for (const x of steps) {
        i = tf.add(tf.mul(i, 1 - 1 / this.tauSyn), x);
        const h = this.neuronalCharge(i, v);
        const s = this.neuronalFire(h);
        v = this.neuronalReset(h, s);
        out.push(s);
      }
      return tf.stack(out, 0);
    });
  }

  override dynamics(): NeuronDynamics {
    return { kind: 'cuba-lif', tauSyn: this.tauSyn, tauMem: this.tauMem, vThreshold: this.vThreshold, reset: resetOf(this.vReset), learnable: [] };
  }

  override describe(): string {
    return `TestCubaLif(tau_syn=${this.tauSyn}, tau_mem=${this.tauMem})`;
  }
}

/** A NIR neuron factory for the tests: TestLif for LIF/IF (IF as τ = ∞ without decay_input), TestCubaLif for CUBA. */
export function testNeuronFactory(n: { kind: string; tau: number; tauSyn?: number; decayInput: boolean; vThreshold: number; vReset: number | null }): BaseNode {
  if (n.kind === 'cuba') return new TestCubaLif(n.tauSyn ?? 1, n.tau, { vThreshold: n.vThreshold, vReset: n.vReset });
  return new TestLif(n.tau, n.decayInput, { vThreshold: n.vThreshold, vReset: n.vReset });
}
