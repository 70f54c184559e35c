import type { KindTemplate } from '../kind-template.js';

/** A toy chip target: a neuron and synapse budget, and a JSON export of the weights. */
export const chipTemplate: KindTemplate = ({ namespace, factory }) => ({
  id: 'toy-chip',
  contribution: 'hardwareTargets',
  descriptorImport: "import { toyChipDescriptor } from './toy-chip.js';",
  descriptorName: 'toyChipDescriptor',
  indexExports: "export { ToyChipTarget, toyChipDescriptor } from './toy-chip.js';\nexport type { ToyChipOptions } from './toy-chip.js';",
  usage: `spikeflow info   # lists ${namespace}/toy-chip under hardwareTargets`,
  files: {
    'src/toy-chip.ts': `import { Linear, NeuronModule, SpikeflowError, writeFileAtomic, type HardwareReport, type HardwareTarget, type HardwareTargetDescriptor, type Module } from '@spikeflow/core';
import { z } from 'zod';

const schema = z.object({
  maxNeurons: z.number().int().positive().default(1024),
  maxSynapses: z.number().int().positive().default(65536),
}).strict();

/** Validated options of \`${namespace}/toy-chip\`. */
export type ToyChipOptions = z.infer<typeof schema>;

/**
 * A stand-in chip for the plugin template: a network of Linear layers, each followed by a spiking
 * neuron, fits when its neuron and synapse counts are within budget; export writes the weights as JSON.
 * A real target would quantise here and write its toolchain's format.
 *
 * @example
 * \`\`\`ts
 * const target = toyChipDescriptor.create(toyChipDescriptor.options.parse({ maxNeurons: 512 }));
 * if (target.check(model).fits) await target.export(model, 'net.json');
 * \`\`\`
 */
export class ToyChipTarget implements HardwareTarget {
  readonly id = 'toy-chip';

  constructor(readonly options: ToyChipOptions) {}

  private layers(model: Module): Array<[string, Linear]> {
    const linears = model.namedModules().filter((e): e is [string, Linear] => e[1] instanceof Linear);
    if (linears.length === 0) throw new SpikeflowError('not-supported', 'toy-chip maps Linear layers; the model has none');
    return linears;
  }

  check(model: Module): HardwareReport {
    const linears = this.layers(model);
    const neurons = linears.reduce((n, [, l]) => n + l.outFeatures, 0);
    const synapses = linears.reduce((n, [, l]) => n + l.inFeatures * l.outFeatures, 0);
    const spiking = model.namedModules().filter(([, m]) => m instanceof NeuronModule).length;
    const messages: string[] = [];
    if (neurons > this.options.maxNeurons) messages.push(\`\${neurons} neurons exceed the budget of \${this.options.maxNeurons}\`);
    if (synapses > this.options.maxSynapses) messages.push(\`\${synapses} synapses exceed the budget of \${this.options.maxSynapses}\`);
    if (spiking !== linears.length) messages.push(\`every Linear layer needs a spiking neuron after it (\${linears.length} Linear, \${spiking} neuron layers)\`);
    return { fits: messages.length === 0, messages, resources: { neurons, synapses } };
  }

  async export(model: Module, outPath: string): Promise<void> {
    const report = this.check(model);
    if (!report.fits) throw new SpikeflowError('does-not-fit', \`the model does not fit toy-chip: \${report.messages.join('; ')}\`);
    const layers = this.layers(model).map(([name, l]) => ({
      name,
      inFeatures: l.inFeatures,
      outFeatures: l.outFeatures,
      weight: Array.from(l.weight.dataSync()),
      bias: l.bias ? Array.from(l.bias.dataSync()) : null,
    }));
    await writeFileAtomic(outPath, JSON.stringify({ format: '${namespace}/toy-chip', version: 1, layers }));
  }
}

/** Registry entry \`${namespace}/toy-chip\`. */
export const toyChipDescriptor: HardwareTargetDescriptor<ToyChipOptions> = {
  id: 'toy-chip',
  description: 'Toy chip: neuron/synapse budget check and a JSON weight export',
  options: schema,
  create: (o) => new ToyChipTarget(o),
};
`,
    'src/toy-chip.spec.ts': `import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { BaseNode, createSpikeflow, Linear, selectBackend, Sequential, SpikeflowError, tf, type SurrogateFunction, type Tensor } from '@spikeflow/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ${factory} } from './plugin.js';

const rect: SurrogateFunction = { id: 'test/rect', params: {}, primitive: (x) => tf.clipByValue(tf.add(x, 0.5), 0, 1), derivative: (x) => tf.cast(tf.lessEqual(tf.abs(x), 0.5), 'float32') };
class TestIF extends BaseNode {
  constructor() {
    super({ surrogate: rect });
  }
  protected neuronalCharge(x: Tensor, v: Tensor): Tensor {
    return tf.add(v, x);
  }
}

describe('${namespace}/toy-chip', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'toy-chip-'));
  beforeAll(async () => {
    await selectBackend('auto');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const target = (options: Record<string, unknown> = {}) => {
    const { descriptor, options: parsed } = createSpikeflow({ plugins: [${factory}()] }).hardwareTargets.parseOptions('toy-chip', options);
    return descriptor.create(parsed);
  };
  const net = () => new Sequential(new Linear(6, 4), new TestIF(), new Linear(4, 3), new TestIF());

  it('counts neurons and synapses against the budget', () => {
    const model = net();
    expect(target().check(model)).toEqual({ fits: true, messages: [], resources: { neurons: 7, synapses: 36 } });
    const tight = target({ maxNeurons: 6, maxSynapses: 30 }).check(model);
    expect(tight.fits).toBe(false);
    expect(tight.messages.join('\\n')).toMatch(/7 neurons exceed the budget of 6[\\s\\S]*36 synapses exceed the budget of 30/);
    expect(target().check(new Sequential(new Linear(2, 2))).fits).toBe(false);
  });

  it('exports weights that read back equal to the model', async () => {
    const model = net();
    const file = path.join(dir, 'net.json');
    await target().export(model, file);
    const json = JSON.parse(readFileSync(file, 'utf8'));
    expect(json.layers.map((l: { name: string }) => l.name)).toHaveLength(2);
    const linears = model.namedModules().map(([, m]) => m).filter((m): m is Linear => m instanceof Linear);
    linears.forEach((l, i) => {
      expect(json.layers[i].weight).toEqual(Array.from(l.weight.dataSync()));
      expect(json.layers[i].bias).toEqual(Array.from(l.bias!.dataSync()));
    });
    await expect(target({ maxNeurons: 2 }).export(model, file)).rejects.toSatisfy((e: unknown) => SpikeflowError.is(e, 'does-not-fit'));
  });
});
`,
  },
});
