import type { KindTemplate } from '../kind-template.js';
import { testIfNeuronSource } from './test-if-neuron.js';

/** A small spiking MLP that takes any registered neuron. */
export const architectureTemplate: KindTemplate = ({ namespace, factory }) => ({
  id: 'tiny-mlp',
  contribution: 'architectures',
  descriptorImport: "import { tinyMlpDescriptor } from './tiny-mlp.js';",
  descriptorName: 'tinyMlpDescriptor',
  indexExports: "export { tinyMlp, tinyMlpDescriptor } from './tiny-mlp.js';\nexport type { TinyMlpOptions } from './tiny-mlp.js';",
  usage: `spikeflow train --model ${namespace}/tiny-mlp --model-opt hidden=64`,
  files: {
    'src/tiny-mlp.ts': `import { Flatten, Linear, Sequential, SpikeflowError, type ArchitectureContext, type ArchitectureDescriptor, type Module } from '@spikeflow/core';
import { z } from 'zod';

const schema = z.object({
  /** Width of the one hidden layer. */
  hidden: z.number().int().positive().default(128),
  bias: z.boolean().default(false),
}).strict();

/** Validated options of \`${namespace}/tiny-mlp\`. */
export type TinyMlpOptions = z.infer<typeof schema>;

/**
 * Flatten, then Linear and a spiking neuron twice; the output layer's firing rate is the class score.
 * The neuron comes from the context, so any registered neuron plugs in.
 *
 * @example
 * \`\`\`ts
 * const sf = createSpikeflow({ plugins: [neurons(), ${factory}()] });
 * const net = sf.model('${namespace}/tiny-mlp', { hidden: 64 }, { inputShape: [28, 28, 1], numClasses: 10, neuron: { id: 'lif' } });
 * \`\`\`
 */
export function tinyMlp(options: TinyMlpOptions, context: ArchitectureContext): Module {
  const inFeatures = context.inputShape.reduce((a, b) => a * b, 1);
  if (!Number.isInteger(inFeatures) || inFeatures < 1) throw new SpikeflowError('invalid-options', \`tiny-mlp needs a positive input shape, got [\${context.inputShape}]\`);
  return new Sequential(
    new Flatten(),
    new Linear(inFeatures, options.hidden, { bias: options.bias }),
    context.neuron('hidden'),
    new Linear(options.hidden, context.numClasses, { bias: options.bias }),
    context.neuron('output'),
  );
}

/** Registry entry \`${namespace}/tiny-mlp\`. */
export const tinyMlpDescriptor: ArchitectureDescriptor<TinyMlpOptions> = {
  id: 'tiny-mlp',
  description: 'Flatten, Linear, neuron, Linear, neuron (one hidden layer)',
  defaultEncoder: 'core/direct',
  options: schema,
  create: (o, context) => tinyMlp(o, context),
};
`,
    'src/tiny-mlp.spec.ts': `import { BaseNode, createSpikeflow, Linear, selectBackend, tf, type SurrogateFunction, type Tensor } from '@spikeflow/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { ${factory} } from './plugin.js';

// A minimal integrate-and-fire neuron so the spec needs only core; users pick any registered neuron.
${testIfNeuronSource()}

describe('${namespace}/tiny-mlp', () => {
  beforeAll(async () => {
    await selectBackend('auto');
  });
  const sf = () => createSpikeflow({ plugins: [${factory}()] });

  it('builds the layer widths from the input shape, options and class count', () => {
    const net = sf().model('tiny-mlp', { hidden: 16 }, { inputShape: [4, 4, 2], numClasses: 3, neuron: () => new TestIF() });
    const linears = net.namedModules().map(([, m]) => m).filter((m): m is Linear => m instanceof Linear);
    expect(linears.map((l) => [l.inFeatures, l.outFeatures])).toEqual([[32, 16], [16, 3]]);
    // 32*16 + 16*3 weights, no bias by default
    expect(net.parameters().reduce((n, p) => n + p.size, 0)).toBe(32 * 16 + 16 * 3);
    expect(() => sf().model('tiny-mlp', { hidden: 0 }, { inputShape: [4], numClasses: 2, neuron: () => new TestIF() })).toThrowError(/hidden/);
  });

  it('maps [T, B, H, W, C] to binary spikes [T, B, classes] with gradients to every weight', () => {
    const net = sf().model('tiny-mlp', { hidden: 8 }, { inputShape: [3, 3, 1], numClasses: 2, neuron: () => new TestIF() });
    const x = tf.randomUniform([4, 5, 3, 3, 1], 0, 1, 'float32', 7);
    const y = tf.tidy(() => net.forward(x));
    expect(y.shape).toEqual([4, 5, 2]);
    expect(Array.from(y.dataSync()).every((v) => v === 0 || v === 1)).toBe(true);
    const { grads } = tf.variableGrads(() => tf.sum(net.forward(x)) as tf.Scalar, net.parameters());
    expect(Object.keys(grads)).toHaveLength(2);
    tf.dispose([x, y, grads]);
  });
});
`,
  },
});
