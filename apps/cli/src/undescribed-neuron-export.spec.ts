// A third-party neuron plugin whose neuron has a `tau` field (and LIF-like dynamics) but does not
// describe its dynamics must be refused by the Loihi export with `not-supported` naming the layer,
// not exported as a LIF. Exercised through the Loihi hardware target (check and export: what
// `spikeflow export --target loihi` runs), on a model built from the plugin through the registries;
// the same neuron with a description is exported.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BaseNode, Linear, Sequential, SpikeflowError, createSpikeflow, definePlugin, tf, type NeuronDescriptor, type NeuronDynamics, type Tensor } from '@spikeflow/core';
import { loihi2Descriptor } from '@spikeflow/chips-loihi';
import { neurons, spikingNodeOptionsShape } from '@spikeflow/neurons';
import { z } from 'zod';

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
const out = mkdtempSync(path.join(tmpdir(), 'sf-undescribed-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

function model(described: boolean): Sequential {
  return new Sequential(new Linear(6, 4), sf.neuron('acme/tau-neuron', { tau: 3, described }), new Linear(4, 2), sf.neuron('lif'));
}

async function errorOf(fn: () => unknown): Promise<SpikeflowError> {
  try {
    await fn();
  } catch (e) {
    if (SpikeflowError.is(e)) return e;
    throw e;
  }
  throw new Error('expected a SpikeflowError');
}

describe('spikeflow export --target loihi and a neuron that does not describe its dynamics', () => {
  const target = loihi2Descriptor.create(loihi2Descriptor.options.parse({}));

  it('refuses it with not-supported naming the layer, in check and in export (netx and NIR), and writes nothing', async () => {
    const m = model(false);
    const checked = await errorOf(() => target.check(m));
    expect(checked.kind).toBe('not-supported');
    expect(checked.message).toMatch(/neuron '1' \(TauNeuron\(tau=3\)\) does not describe its dynamics/);
    const file = path.join(out, 'undescribed.net');
    const exported = await errorOf(() => target.export(m, file));
    expect(exported.kind).toBe('not-supported');
    expect(exported.message).toMatch(/neuron '1' .*does not describe its dynamics/);
    expect(() => statSync(file)).toThrow();
    const nir = loihi2Descriptor.create(loihi2Descriptor.options.parse({ format: 'nir' }));
    expect((await errorOf(() => nir.export(m, path.join(out, 'undescribed.nir')))).message).toMatch(/neuron '1' .*does not describe its dynamics/);
  });

  it('exports the same neuron once it describes itself as LIF', async () => {
    const m = model(true);
    expect(target.check(m).fits).toBe(true);
    const file = path.join(out, 'described.net');
    await target.export(m, file);
    expect(statSync(file).size).toBeGreaterThan(0);
  });
});
