import type { KindTemplate } from '../kind-template.js';

/** A snnTorch-style leaky neuron: named state and one transition, describing itself as a LIF without input decay for chip exporters. */
export const neuronTemplate: KindTemplate = ({ namespace, factory }) => ({
  id: 'leaky',
  contribution: 'neurons',
  descriptorImport: "import { leakyDescriptor } from './leaky-node.js';",
  descriptorName: 'leakyDescriptor',
  indexExports: "export { LeakyNode, leakyDescriptor } from './leaky-node.js';\nexport type { LeakyNodeOptions, LeakyDescriptorOptions } from './leaky-node.js';",
  usage: `spikeflow train --neuron ${namespace}/leaky --neuron-opt beta=0.8`,
  files: {
    'src/leaky-node.ts': `import { SpikeflowError, StatefulNeuron, detach, spike, tf, type NeuronDescriptor, type NeuronDynamics, type NeuronTransition, type SurrogateFunction, type Tensor } from '@spikeflow/core';
import { z } from 'zod';

/** Constructor options of {@link LeakyNode}. */
export interface LeakyNodeOptions {
  /** Membrane decay per step, 0 < beta < 1 (default 0.5). */
  readonly beta?: number;
  readonly vThreshold?: number;
  /** Hard-reset potential (default 0); null selects a soft reset (subtract the threshold). */
  readonly vReset?: number | null;
  readonly detachReset?: boolean;
  readonly surrogate: SurrogateFunction;
}

/** The state a LeakyNode carries from step to step: its membrane potential. */
type LeakyState = { readonly v: Tensor };

/**
 * A leaky neuron in snnTorch's form: H[t] = V_reset + beta * (V[t-1] - V_reset) + X[t], fire when
 * H >= V_th, then reset. It declares its state (\`v\`, at rest V_reset) and one transition; the base
 * class runs the time loop over [T, B, ...], the single-step mode (\`step\`, \`resetNet\`) and the checks.
 * It equals a LIF without input decay with tau = 1 / (1 - beta), and says so in \`dynamics()\`, which
 * is what chip exporters (Loihi, SpiNNaker) read; a neuron without \`dynamics()\` is refused by them.
 *
 * @example
 * \`\`\`ts
 * const sf = createSpikeflow({ plugins: [neurons(), ${factory}()] });
 * const layer = sf.neuron('${namespace}/leaky', { beta: 0.8 });
 * \`\`\`
 */
export class LeakyNode extends StatefulNeuron<LeakyState> {
  readonly beta: number;
  readonly vThreshold: number;
  readonly vReset: number | null;
  readonly detachReset: boolean;
  readonly surrogate: SurrogateFunction;

  constructor(options: LeakyNodeOptions) {
    super();
    const beta = options.beta ?? 0.5;
    if (!(beta > 0 && beta < 1)) throw new SpikeflowError('invalid-options', \`LeakyNode beta must be in (0, 1), got \${beta}\`);
    this.beta = beta;
    this.vThreshold = options.vThreshold ?? 1;
    this.vReset = options.vReset === undefined ? 0 : options.vReset;
    this.detachReset = options.detachReset ?? false;
    this.surrogate = options.surrogate;
    // Every sequence (and the first single step after a reset) starts from this rest value.
    this.registerState('v', this.vReset ?? 0);
  }

  /** One time step: charge, fire (Heaviside forward, surrogate gradient backward), reset. */
  transition(x: Tensor, { v }: LeakyState): NeuronTransition<LeakyState> {
    // The leak pulls towards the reset potential (0 for a soft reset), as SpikingJelly's LIF does.
    const rest = this.vReset ?? 0;
    const h = rest === 0 ? tf.add(tf.mul(v, this.beta), x) : tf.add(tf.add(tf.mul(tf.sub(v, rest), this.beta), rest), x);
    const spikes = spike(tf.sub(h, this.vThreshold), this.surrogate);
    const s = this.detachReset ? detach(spikes) : spikes;
    const next = this.vReset === null ? tf.sub(h, tf.mul(s, this.vThreshold)) : tf.add(tf.mul(s, this.vReset), tf.mul(tf.sub(1, s), h));
    return { spikes, state: { v: next } };
  }

  /** Opt into chip export: this is a LIF without input decay, tau = 1 / (1 - beta). */
  override dynamics(): NeuronDynamics {
    return {
      kind: 'lif',
      tau: 1 / (1 - this.beta),
      decayInput: false,
      vThreshold: this.vThreshold,
      reset: this.vReset === null ? { kind: 'soft' } : { kind: 'hard', vReset: this.vReset },
      learnable: [],
    };
  }

  override describe(): string {
    return \`LeakyNode(beta=\${this.beta}, v_th=\${this.vThreshold}, v_reset=\${this.vReset}, surrogate=\${this.surrogate.id})\`;
  }
}

const schema = z.object({
  beta: z.number().gt(0, 'beta must be > 0').lt(1, 'beta must be < 1').default(0.5),
  vThreshold: z.number().default(1),
  vReset: z.number().nullable().default(0),
  detachReset: z.boolean().default(false),
  /** Any registered surrogate id; 'atan' comes with @spikeflow/neurons. */
  surrogate: z.string().default('atan'),
  surrogateOptions: z.record(z.string(), z.number()).default({}),
}).strict();

/** Validated options of the \`${namespace}/leaky\` descriptor. */
export type LeakyDescriptorOptions = z.infer<typeof schema>;

/** Registry entry \`${namespace}/leaky\`. */
export const leakyDescriptor: NeuronDescriptor<LeakyDescriptorOptions> = {
  id: 'leaky',
  description: 'Leaky neuron (snnTorch form): H = V_reset + beta (V - V_reset) + X',
  options: schema,
  create: (o, context) => new LeakyNode({ beta: o.beta, vThreshold: o.vThreshold, vReset: o.vReset, detachReset: o.detachReset, surrogate: context.surrogate(o.surrogate, o.surrogateOptions) }),
};
`,
    'src/leaky-node.spec.ts': `import { createSpikeflow, definePlugin, selectBackend, SpikeflowError, standardDynamics, tf, type SurrogateDescriptor } from '@spikeflow/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { LeakyNode } from './leaky-node.js';
import { ${factory} } from './plugin.js';

// A sigmoid surrogate (alpha 4) defined here so the spec needs only core; with @spikeflow/neurons use 'atan'.
const sigmoidSurrogate: SurrogateDescriptor<Record<string, never>> = {
  id: 'sigmoid',
  description: 'sigmoid surrogate, alpha 4',
  options: z.object({}).strict(),
  create: () => ({
    id: 'test/sigmoid',
    params: { alpha: 4 },
    primitive: (x) => tf.sigmoid(tf.mul(x, 4)),
    derivative: (x) => tf.tidy(() => {
      const s = tf.sigmoid(tf.mul(x, 4));
      return tf.mul(tf.mul(s, tf.sub(1, s)), 4);
    }),
  }),
};
const testPlugin = definePlugin({ name: 'test-surrogates', version: '0.0.0', namespace: 'test' }, { surrogates: [sigmoidSurrogate] });

/** The recurrence written out in plain numbers: the reference the tensor version must match. */
function reference(xs: number[], beta: number, vTh: number): number[] {
  let v = 0;
  return xs.map((x) => {
    const h = beta * v + x;
    const s = h >= vTh ? 1 : 0;
    v = s ? 0 : h;
    return s;
  });
}

describe('${namespace}/leaky', () => {
  beforeAll(async () => {
    await selectBackend('auto');
  });
  const sf = () => createSpikeflow({ plugins: [testPlugin, ${factory}()] });

  it('is registered under its namespace and validates options', () => {
    expect(sf().neurons.get('leaky').fullId).toBe('${namespace}/leaky');
    expect(() => sf().neuron('leaky', { beta: 1.5, surrogate: 'test/sigmoid' })).toThrowError(/beta/);
    try {
      sf().neuron('leaky', { gamma: 1, surrogate: 'test/sigmoid' });
      expect.unreachable();
    } catch (e) {
      expect(SpikeflowError.is(e, 'invalid-options')).toBe(true);
    }
  });

  it('fires on the hand-computed steps for a constant input', () => {
    // beta 0.5, x 0.6: H = 0.6, 0.9, 1.05 (spike, reset to 0), 0.6, 0.9, 1.05 (spike).
    const node = sf().neuron('leaky', { beta: 0.5, surrogate: 'test/sigmoid' });
    const out = tf.tidy(() => node.forward(tf.fill([6, 1, 1], 0.6)).dataSync());
    expect(Array.from(out)).toEqual([0, 0, 1, 0, 0, 1]);
  });

  it('matches the plain-number recurrence on random inputs', () => {
    const node = sf().neuron('leaky', { beta: 0.8, surrogate: 'test/sigmoid' });
    const T = 20;
    const xs = Array.from({ length: T * 3 }, (_, i) => Math.abs(Math.sin(i * 12.9898)) * 0.7);
    const out = tf.tidy(() => Array.from(node.forward(tf.tensor3d(xs, [T, 3, 1])).dataSync()));
    for (let b = 0; b < 3; b++) {
      const column = Array.from({ length: T }, (_, t) => xs[t * 3 + b]);
      expect(Array.from({ length: T }, (_, t) => out[t * 3 + b])).toEqual(reference(column, 0.8, 1));
    }
  });

  it('runs step by step as it runs a whole sequence, and describes itself to chip exporters', () => {
    const node = sf().neuron('leaky', { beta: 0.8, surrogate: 'test/sigmoid' }) as LeakyNode;
    const x = tf.randomUniform([8, 2, 3], 0, 0.7, 'float32', 1);
    const whole = tf.tidy(() => Array.from(node.forward(x).dataSync()));
    node.resetState();
    const stepped = tf.unstack(x).flatMap((xt) => Array.from(node.step(xt).dataSync()));
    expect(stepped).toEqual(whole);
    node.resetState();
    expect(node.state).toBeNull();
    expect(node.dynamics()).toMatchObject({ kind: 'lif', decayInput: false, reset: { kind: 'hard', vReset: 0 } });
    expect(standardDynamics(node, 'fc1', 'Loihi')).toMatchObject({ kind: 'lif', decayInput: false, vThreshold: 1, vReset: 0 });
    expect((standardDynamics(node, 'fc1', 'Loihi') as { tau: number }).tau).toBeCloseTo(5, 12);
  });

  it('passes gradients through the surrogate', () => {
    const node = sf().neuron('leaky', { surrogate: 'test/sigmoid' });
    const g = tf.tidy(() => Array.from(tf.grad((x: tf.Tensor) => tf.sum(node.forward(x)))(tf.fill([4, 2, 3], 0.4)).dataSync()));
    expect(g.every(Number.isFinite)).toBe(true);
    expect(g.some((v) => v !== 0)).toBe(true);
  });
});
`,
  },
});
