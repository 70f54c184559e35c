// A third-party neuron plugin whose neuron has a `tau` field (and LIF-like dynamics) but does not
// describe its dynamics must be refused by the Loihi export with `not-supported` naming the layer,
// not exported as a LIF. Exercised through the Loihi hardware target (check and export: what
// `spikeflow export --target loihi` runs), on a model built from the plugin through the registries;
// the same neuron with a description is exported.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BaseNode, Linear, Sequential, createSpikeflow, definePlugin, tf, type NeuronDescriptor, type NeuronDynamics, type Tensor } from '@spikeflow/core';
import { loihi2Descriptor } from '@spikeflow/chips-loihi';
import { neurons, spikingNodeOptionsShape } from '@spikeflow/neurons';
import { z } from 'zod';
import { expectSpikeflowError, tempDir } from '@spikeflow/testing';
import { FMNIST, fmnistFlags, haveFashionMnist } from './test-utils/fashion-mnist.js';

/** The plugin's neuron: a leaky membrane with a `tau` field; it describes itself only when told to. */
class TauNeuron extends BaseNode {
  constructor(
    readonly tau: number,
    private readonly described: boolean,
    options: { vThreshold: number; vReset: number | null; surrogate: BaseNode['surrogate'] },
  ) {
    super(options);
  }

  protected neuronalCharge(x: Tensor, v: Tensor): Tensor {
    return tf.add(v, tf.div(tf.sub(x, v), this.tau));
  }

  override dynamics(): NeuronDynamics | undefined {
    return this.described ? { kind: 'lif', tau: this.tau, decayInput: true, ...this.thresholdDynamics() } : undefined;
  }

  override describe(): string {
    return `TauNeuron(tau=${this.tau})`;
  }
}

const schema = z.object({ ...spikingNodeOptionsShape, tau: z.number().gt(1).default(2), described: z.boolean().default(false) }).strict();
const tauNeuron: NeuronDescriptor<z.infer<typeof schema>> = {
  id: 'tau-neuron',
  description: 'a third-party leaky neuron with a tau field',
  options: schema,
  create: (o, context) => new TauNeuron(o.tau, o.described, { vThreshold: o.vThreshold, vReset: o.vReset, surrogate: context.surrogate(o.surrogate, o.surrogateOptions) }),
};
const acme = () => definePlugin({ name: 'acme-neurons', version: '1.0.0', namespace: 'acme' }, { neurons: [tauNeuron] });

const sf = createSpikeflow({ plugins: [neurons(), acme()] });
const out = tempDir('sf-undescribed-');

function model(described: boolean): Sequential {
  return new Sequential(new Linear(6, 4), sf.neuron('acme/tau-neuron', { tau: 3, described }), new Linear(4, 2), sf.neuron('lif'));
}

describe('spikeflow export --target loihi and a neuron that does not describe its dynamics', () => {
  const target = loihi2Descriptor.create(loihi2Descriptor.options.parse({}));

  it('refuses it with not-supported naming the layer, in check and in export (netx and NIR), and writes nothing', async () => {
    const m = model(false);
    await expectSpikeflowError(() => target.check(m), 'not-supported', /neuron '1' \(TauNeuron\(tau=3\)\) does not describe its dynamics/);
    const file = path.join(out, 'undescribed.net');
    await expectSpikeflowError(() => target.export(m, file), 'not-supported', /neuron '1' .*does not describe its dynamics/);
    expect(() => statSync(file)).toThrow();
    const nir = loihi2Descriptor.create(loihi2Descriptor.options.parse({ format: 'nir' }));
    await expectSpikeflowError(() => nir.export(m, path.join(out, 'undescribed.nir')), 'not-supported', /neuron '1' .*does not describe its dynamics/);
  });

  it('exports the same neuron once it describes itself as LIF', async () => {
    const m = model(true);
    expect(target.check(m).fits).toBe(true);
    const file = path.join(out, 'described.net');
    await target.export(m, file);
    expect(statSync(file).size).toBeGreaterThan(0);
  });
});

// The same refusal from the command line, as a user meets it: the plugin is an installed package the
// CLI discovers from the working directory (plain JavaScript against the built core, as published
// plugins are), a run is trained with its neuron, and `spikeflow export --target loihi` refuses it.
describe.skipIf(!haveFashionMnist)('spikeflow export --target loihi on a run of an installed plugin neuron without a description (needs dataset-fashion-mnist)', () => {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const BIN = path.join(here, '../bin/spikeflow.js');
  // A user's shell: none of vitest's variables (they would send the CLI's imports to the TypeScript sources).
  const env = { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(npm_|INIT_CWD$|NODE_OPTIONS$|VITEST|FORCE_COLOR$)/.test(k))), NO_COLOR: '1' };
  const spikeflow = (cwd: string, ...args: string[]) => {
    const r = spawnSync(process.execPath, [BIN, ...args], { cwd, env, encoding: 'utf8', timeout: 300_000, maxBuffer: 64 << 20 });
    return { code: r.status ?? 1, out: `${r.stdout}${r.stderr}` };
  };

  it('trains with the plugin neuron, then refuses the export with not-supported naming the layer, and writes no file', () => {
    const consumer = path.join(out, 'consumer');
    const pkg = path.join(consumer, 'node_modules', 'spikeflow-plugin-tau');
    mkdirSync(pkg, { recursive: true });
    // The plugin imports the very core (and zod) the CLI runs on, by file URL, as an installed plugin's peer dependency resolves.
    const require = createRequire(path.join(here, '../package.json'));
    // The built core (what the CLI runs on), not its TypeScript sources.
    const coreDir = path.dirname(realpathSync(require.resolve('@spikeflow/core/package.json')));
    const core = pathToFileURL(path.join(coreDir, 'dist', 'index.js')).href;
    const zod = pathToFileURL(createRequire(path.join(coreDir, 'package.json')).resolve('zod')).href;
    writeFileSync(path.join(pkg, 'package.json'), JSON.stringify({ name: 'spikeflow-plugin-tau', version: '1.0.0', type: 'module', spikeflow: { plugin: './plugin.js' } }));
    writeFileSync(
      path.join(pkg, 'plugin.js'),
      [
        `import { BaseNode, definePlugin, tf } from '${core}';`,
        `import { z } from '${zod}';`,
        '// A leaky membrane with a tau field; it does not describe its dynamics.',
        'class TauNeuron extends BaseNode {',
        '  constructor(tau, options) { super(options); this.tau = tau; }',
        '  neuronalCharge(x, v) { return tf.add(v, tf.div(tf.sub(x, v), this.tau)); }',
        '  describe() { return `TauNeuron(tau=${this.tau})`; }',
        '}',
        'const options = z.object({ tau: z.number().gt(1).default(2), vThreshold: z.number().default(1), vReset: z.number().nullable().default(0), surrogate: z.string().default("atan") }).strict();',
        'const neuron = { id: "tau-neuron", description: "a leaky neuron with a tau field", options,',
        '  create: (o, context) => new TauNeuron(o.tau, { vThreshold: o.vThreshold, vReset: o.vReset, surrogate: context.surrogate(o.surrogate) }) };',
        'export default definePlugin({ name: "spikeflow-plugin-tau", version: "1.0.0", namespace: "acme" }, { neurons: [neuron] });',
        '',
      ].join('\n'),
    );
    const run = path.join(consumer, 'run');
    const train = spikeflow(consumer, 'train', ...fmnistFlags({ subset: 256, testSubset: 64, T: 2 }), '--neuron', 'acme/tau-neuron', '--max-steps', '2', '--out', run, '--quiet');
    expect(train.code, train.out).toBe(0);
    const file = path.join(consumer, 'model.net');
    const exported = spikeflow(consumer, 'export', '--target', 'loihi', '--checkpoint', run, '--out', file, '--data-dir', FMNIST, '--backend', 'wasm');
    expect(exported.code, exported.out).toBe(2);
    expect(exported.out).toMatch(/not-supported/);
    expect(exported.out).toMatch(/neuron '\w+' \(TauNeuron\(tau=2\)\) does not describe its dynamics/);
    expect(existsSync(file)).toBe(false);
  }, 600_000);
});
