import type { KindTemplate } from '../kind-template.js';
import { testIfNeuronSource } from './test-if-neuron.js';

/** The spec neuron's dynamics, which the toy chip reads to map it. */
const TEST_IF_DYNAMICS = `  override dynamics(): NeuronDynamics {
    return { kind: 'if', vThreshold: 1, reset: { kind: 'hard', vReset: 0 }, learnable: [] };
  }
`;

/** A toy chip target: a neuron and synapse budget, a JSON export of the weights and an 8-bit simulation. */
export const chipTemplate: KindTemplate = ({ namespace, factory }) => ({
  id: 'toy-chip',
  contribution: 'hardwareTargets',
  descriptorImport: "import { toyChipDescriptor } from './toy-chip.js';",
  descriptorName: 'toyChipDescriptor',
  indexExports: "export { ToyChipTarget, toyChipDescriptor } from './toy-chip.js';\nexport type { ToyChipOptions } from './toy-chip.js';",
  usage: `spikeflow simulate --target ${namespace}/toy-chip --checkpoint runs/mlp   # also: spikeflow export --target ${namespace}/toy-chip`,
  files: {
    'src/toy-chip.ts': `import {
  Linear, NeuronModule, SpikeflowError, describeNetwork, writeFileAtomic,
  type DenseNetworkLayer, type HardwareExportRequest, type HardwareFormat, type HardwareReport, type HardwareResult, type HardwareSimulateRequest,
  type HardwareTarget, type HardwareTargetDescriptor, type Module, type StandardDynamics,
} from '@spikeflow/core';
import { z } from 'zod';

const schema = z.object({
  maxNeurons: z.number().int().positive().default(1024),
  maxSynapses: z.number().int().positive().default(65536),
}).strict();

/** Validated options of \`${namespace}/toy-chip\`. */
export type ToyChipOptions = z.infer<typeof schema>;

/** Weight levels per sign of the toy chip (8-bit signed weights, one scale per layer). */
export const TOY_WEIGHT_LEVELS = 127;

/** One step of a neuron layer's described dynamics, in place: returns the spikes. */
function step(d: StandardDynamics, x: Float64Array, v: Float64Array, i: Float64Array): Uint8Array {
  const s = new Uint8Array(x.length);
  const vr = d.vReset ?? 0;
  for (let j = 0; j < x.length; j++) {
    let h: number;
    if (d.kind === 'if') h = v[j] + x[j];
    else if (d.kind === 'lif') h = d.decayInput ? v[j] + (x[j] - (v[j] - vr)) / d.tau : v[j] - (v[j] - vr) / d.tau + x[j];
    else {
      i[j] = (1 - 1 / d.tauSyn) * i[j] + x[j];
      h = (1 - 1 / d.tauMem) * v[j] + i[j];
    }
    s[j] = h >= d.vThreshold ? 1 : 0;
    v[j] = s[j] ? (d.vReset === null ? h - d.vThreshold : d.vReset) : h;
  }
  return s;
}

/** A dense layer's weights on the toy chip's grid: TOY_WEIGHT_LEVELS levels per sign, scaled to the largest |w|. */
function onGrid(l: DenseNetworkLayer): Float64Array {
  const max = l.weight.reduce((m, w) => Math.max(m, Math.abs(w)), 0) || 1;
  const unit = max / TOY_WEIGHT_LEVELS;
  return Float64Array.from(l.weight, (w) => Math.round(w / unit) * unit);
}

/**
 * A stand-in chip for the plugin template: a network of Linear layers, each followed by a spiking
 * neuron, fits when its neuron and synapse counts are within budget; export writes the weights as JSON;
 * simulate runs the test samples with 8-bit weights through the neurons' described dynamics
 * (core's chip-neutral network description). A real target would quantise here, write its
 * toolchain's format and run its bit-accurate model.
 *
 * @example
 * \`\`\`ts
 * const target = toyChipDescriptor.create(toyChipDescriptor.options.parse({ maxNeurons: 512 }));
 * if (target.check(model).fits) await target.export(model, 'net.json');
 * \`\`\`
 */
export class ToyChipTarget implements HardwareTarget {
  readonly id = 'toy-chip';
  readonly formats: readonly HardwareFormat[] = [{ id: 'json', extension: 'json', description: 'layer weights and biases as JSON' }];

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

  async export(model: Module, outPath: string, request: HardwareExportRequest = {}): Promise<void> {
    if (request.format !== undefined && request.format !== 'json') throw new SpikeflowError('invalid-options', \`--format for toy-chip must be json, got '\${request.format}'\`);
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

  /**
   * Each test sample, held for T steps (direct encoding), through the layers with 8-bit weights
   * and the neurons' own dynamics; the class is the output neuron that spikes most (the first on a tie).
   */
  async simulate({ trained, test }: HardwareSimulateRequest): Promise<HardwareResult> {
    if (trained.encoderId.replace(/^core\\//, '') !== 'direct') throw new SpikeflowError('not-supported', \`toy-chip feeds analog samples (the direct encoder); this run uses '\${trained.encoderId}'\`);
    const net = describeNetwork(trained.model, { inputShape: trained.test.sampleShape, target: 'toy-chip' });
    const layers = net.layers.map((l) => {
      if (l.kind !== 'dense') throw new SpikeflowError('not-supported', \`toy-chip runs dense layers; '\${l.name}' is a convolution\`);
      return { layer: l, weight: onGrid(l) };
    });
    const { x, y } = trained.test.getBatch(test.indices);
    const n = test.indices.length;
    const width = layers[0].layer.inFeatures;
    let correct = 0;
    let spikes = 0;
    for (let s = 0; s < n; s++) {
      const state = layers.map(({ layer }) => ({ v: new Float64Array(layer.outFeatures), i: new Float64Array(layer.outFeatures) }));
      const counts = new Float64Array(layers[layers.length - 1].layer.outFeatures);
      for (let t = 0; t < trained.timeSteps; t++) {
        let input: ArrayLike<number> = x.subarray(s * width, (s + 1) * width);
        layers.forEach(({ layer, weight }, k) => {
          const current = new Float64Array(layer.outFeatures);
          if (layer.bias) current.set(layer.bias);
          for (let a = 0; a < layer.inFeatures; a++) {
            if (input[a] === 0) continue;
            for (let o = 0; o < layer.outFeatures; o++) current[o] += input[a] * weight[a * layer.outFeatures + o];
          }
          const out = step(layer.neuron.dynamics, current, state[k].v, state[k].i);
          spikes += out.reduce((a, b) => a + b, 0);
          input = out;
        });
        (input as Uint8Array).forEach((b, o) => { counts[o] += b; });
      }
      let best = 0;
      counts.forEach((c, o) => { if (c > counts[best]) best = o; });
      if (best === y[s]) correct++;
    }
    const summary = { checkpoint: trained.checkpointDir, samples: n, test: test.json, timeSteps: trained.timeSteps, accuracy: n ? correct / n : 0, spikesPerSample: n ? spikes / n : 0, weightLevels: TOY_WEIGHT_LEVELS };
    return { summary, lines: [\`\${test.description}, T=\${trained.timeSteps}: toy-chip accuracy \${(summary.accuracy * 100).toFixed(2)}% (weights on \${TOY_WEIGHT_LEVELS} levels per sign), \${summary.spikesPerSample.toFixed(1)} spikes per sample\`] };
  }
}

/** Registry entry \`${namespace}/toy-chip\`. */
export const toyChipDescriptor: HardwareTargetDescriptor<ToyChipOptions> = {
  id: 'toy-chip',
  description: 'Toy chip: neuron/synapse budget check, a JSON weight export and an 8-bit simulation',
  options: schema,
  create: (o) => new ToyChipTarget(o),
};
`,
    'src/toy-chip.spec.ts': `import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { BaseNode, createSpikeflow, Linear, selectBackend, Sequential, SpikeflowError, tf, type Dataset, type NeuronDynamics, type SurrogateFunction, type Tensor } from '@spikeflow/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ${factory} } from './plugin.js';

${testIfNeuronSource(TEST_IF_DYNAMICS)}

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

  it('simulates IF neurons step by step: the counts worked out by hand', async () => {
    // Input 0 drives neuron 0 by 0.6 per step (spikes at steps 2 and 4 of 4); input 1 drives
    // neuron 1 by 0.3 (on the grid 64·0.6/127 ≈ 0.302, so V reaches 1.21 at step 4: one spike).
    const model = new Sequential(new Linear(2, 2, { bias: false }), new TestIF());
    model.loadStateDict(new Map([['0.weight', { shape: [2, 2], data: Float32Array.from([0.6, 0, 0, 0.3]) }]]));
    const test: Dataset = {
      name: 'two', split: 'test', length: 2, sampleShape: [2], numClasses: 2,
      getBatch: (idx) => ({ x: Float32Array.from(Array.from(idx).flatMap((i) => (i === 0 ? [1, 0] : [0, 1]))), y: Int32Array.from(idx) }),
    };
    const trained = { model, checkpointDir: dir, encoder: { id: 'direct', encode: (x: Tensor) => x }, encoderId: 'core/direct', timeSteps: 4, seed: 0, evalBatchSize: 2, train: test, test };
    const io = { log: () => {}, quiet: true };
    const r = await target().simulate!({ trained, test: { indices: Int32Array.from([0, 1]), description: 'test: both', json: {} }, io });
    expect(r.summary).toMatchObject({ samples: 2, accuracy: 1, spikesPerSample: 1.5 });
    expect(r.lines[0]).toContain('toy-chip accuracy 100.00%');
  });
});
`,
  },
});
