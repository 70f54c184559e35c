import type { KindTemplate } from '../kind-template.js';

/** The fast-sigmoid surrogate (snnTorch's default): gradient 1 / (1 + k|x|)^2. */
export const surrogateTemplate: KindTemplate = ({ namespace, factory }) => ({
  id: 'fast-sigmoid',
  contribution: 'surrogates',
  descriptorImport: "import { fastSigmoidDescriptor } from './fast-sigmoid.js';",
  descriptorName: 'fastSigmoidDescriptor',
  indexExports: "export { fastSigmoid, fastSigmoidDescriptor } from './fast-sigmoid.js';\nexport type { FastSigmoidOptions } from './fast-sigmoid.js';",
  usage: `spikeflow train --neuron lif --neuron-opt surrogate=${namespace}/fast-sigmoid`,
  files: {
    'src/fast-sigmoid.ts': `import { tf, type SurrogateDescriptor, type SurrogateFunction } from '@spikeflow/core';
import { z } from 'zod';

const schema = z.object({
  /** Slope k: larger is closer to the step (snnTorch's default is 25). */
  slope: z.number().positive('slope must be > 0').default(25),
}).strict();

/** Validated options of \`${namespace}/fast-sigmoid\`. */
export type FastSigmoidOptions = z.infer<typeof schema>;

/**
 * The fast-sigmoid surrogate: primitive x / (1 + k|x|), gradient 1 / (1 + k|x|)^2 (Zenke & Ganguli's
 * SuperSpike shape as snnTorch ships it). The spike itself stays a Heaviside step.
 *
 * @example
 * \`\`\`ts
 * const sf = createSpikeflow({ plugins: [neurons(), ${factory}()] });
 * const lif = sf.neuron('lif', { surrogate: '${namespace}/fast-sigmoid', surrogateOptions: { slope: 25 } });
 * \`\`\`
 */
export function fastSigmoid(options: Partial<FastSigmoidOptions> = {}): SurrogateFunction {
  const k = schema.parse(options).slope;
  return {
    id: '${namespace}/fast-sigmoid',
    params: { slope: k },
    primitive: (x) => tf.tidy(() => tf.div(x, tf.add(1, tf.mul(tf.abs(x), k)))),
    derivative: (x) => tf.tidy(() => tf.reciprocal(tf.square(tf.add(1, tf.mul(tf.abs(x), k))))),
  };
}

/** Registry entry \`${namespace}/fast-sigmoid\`. */
export const fastSigmoidDescriptor: SurrogateDescriptor<FastSigmoidOptions> = {
  id: 'fast-sigmoid',
  description: 'Fast sigmoid surrogate: gradient 1 / (1 + slope |x|)^2',
  options: schema,
  create: (o) => fastSigmoid(o),
};
`,
    'src/fast-sigmoid.spec.ts': `import { createSpikeflow, selectBackend, spike, tf } from '@spikeflow/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { ${factory} } from './plugin.js';

const xs = [-2, -0.5, -0.07, -0.01, 0.01, 0.07, 0.5, 2];

describe('${namespace}/fast-sigmoid', () => {
  beforeAll(async () => {
    await selectBackend('auto');
  });
  const sf = () => createSpikeflow({ plugins: [${factory}()] });

  it('is registered under its namespace and validates options', () => {
    expect(sf().surrogates.get('fast-sigmoid').fullId).toBe('${namespace}/fast-sigmoid');
    expect(() => sf().surrogate('fast-sigmoid', { slope: -1 })).toThrowError(/slope/);
  });

  it('has the hand-computed gradient values', () => {
    const s = sf().surrogate('fast-sigmoid', { slope: 4 });
    const d = tf.tidy(() => Array.from(s.derivative(tf.tensor1d([0, 0.25, -1])).dataSync()));
    // 1/(1+0)^2, 1/(1+1)^2, 1/(1+4)^2
    expect(d[0]).toBeCloseTo(1, 6);
    expect(d[1]).toBeCloseTo(0.25, 6);
    expect(d[2]).toBeCloseTo(1 / 25, 6);
  });

  it('derivative is the derivative of primitive (central differences in float64)', () => {
    const k = 25;
    const s = sf().surrogate('fast-sigmoid', { slope: k });
    const d = tf.tidy(() => Array.from(s.derivative(tf.tensor1d(xs)).dataSync()));
    const p = (x: number) => x / (1 + k * Math.abs(x));
    const h = 1e-6;
    xs.forEach((x, i) => expect(d[i]).toBeCloseTo((p(x + h) - p(x - h)) / (2 * h), 4));
    // and the tensor primitive agrees with the formula
    const pt = tf.tidy(() => Array.from(s.primitive(tf.tensor1d(xs)).dataSync()));
    xs.forEach((x, i) => expect(pt[i]).toBeCloseTo(p(x), 6));
  });

  it('drives the spike function: Heaviside forward, surrogate backward', () => {
    const s = sf().surrogate('fast-sigmoid');
    const [y, g] = tf.tidy(() => {
      const x = tf.tensor1d(xs);
      return [Array.from(spike(x, s).dataSync()), Array.from(tf.grad((v: tf.Tensor) => tf.sum(spike(v, s)))(x).dataSync())];
    });
    expect(y).toEqual(xs.map((x) => (x >= 0 ? 1 : 0)));
    xs.forEach((x, i) => expect(g[i]).toBeCloseTo(1 / (1 + 25 * Math.abs(x)) ** 2, 5));
  });
});
`,
  },
});
