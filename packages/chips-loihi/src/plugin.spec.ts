import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectSpikeflowError, tempDir } from '@spikeflow/testing';
import { Flatten, Linear, Sequential, createSpikeflow, directEncoder, type Dataset } from '@spikeflow/core';
import { chipsLoihi } from './plugin.js';
import { readNetx } from './netx/read-netx.js';
import { readNir } from './nir/read-nir.js';
import { TestIf, TestLif } from './test-utils/fixtures.js';

const model = () => new Sequential(new Flatten(), new Linear(16, 8, { bias: false }), new TestLif(), new Linear(8, 3, { bias: false }), new TestLif());

describe('chipsLoihi plugin', () => {
  it('registers loihi/loihi2 and loihi/loihi1 hardware targets, validating options', () => {
    const sf = createSpikeflow({ plugins: [chipsLoihi()] });
    const d = sf.hardwareTargets.get('loihi2');
    expect(d.fullId).toBe('loihi/loihi2');
    expect(sf.hardwareTargets.get('loihi/loihi1').id).toBe('loihi1');
    expect(() => d.options.parse({ inputBits: 9 })).toThrow();
    expect(() => sf.hardwareTargets.get('loihi1').create(sf.hardwareTargets.get('loihi1').options.parse({ inputBits: 4 }))).toThrow(/no graded spikes/);
  });

  it('check() reports an unrepresentable network as not fitting, with the reason', () => {
    const sf = createSpikeflow({ plugins: [chipsLoihi()] });
    const d = sf.hardwareTargets.get('loihi2');
    const soft = new Sequential(new Linear(4, 2, { bias: false }), new TestLif(2, true, { vReset: null }));
    const report = d.create(d.options.parse({})).check(soft);
    expect(report.fits).toBe(false);
    expect(report.messages[0]).toMatch(/soft reset.*Loihi's LIF always resets the voltage to 0/);
  });

  it('check() reports resources; export() writes netx or NIR', async () => {
    const sf = createSpikeflow({ plugins: [chipsLoihi()] });
    const d = sf.hardwareTargets.get('loihi2');
    const target = d.create(d.options.parse({ inputShape: [4, 4, 1] }));
    const m = model();
    const report = target.check(m);
    expect(report.fits).toBe(true);
    expect(report.resources).toMatchObject({ compartments: 11, synapses: 16 * 8 + 8 * 3, cores: 2, chips: 1 });
    const dir = tempDir('loihi-target-');
    await target.export(m, path.join(dir, 'm.net'));
    expect((await readNetx(path.join(dir, 'm.net'))).layers).toHaveLength(2);
    const nirTarget = d.create(d.options.parse({ inputShape: [4, 4, 1], format: 'nir' }));
    await nirTarget.export(m, path.join(dir, 'm.nir'));
    expect(Object.keys((await readNir(path.join(dir, 'm.nir'))).nodes).sort()).toEqual(['fc0', 'fc1', 'flatten', 'input', 'lif0', 'lif1', 'output']);
  });

  it('through the contract: aliases, formats, export of a trained run and simulate of its test samples', async () => {
    const sf = createSpikeflow({ plugins: [chipsLoihi()] });
    const d = sf.hardwareTargets.get('loihi2');
    expect(d.aliases).toEqual(['loihi']);
    const target = d.create(d.options.parse({}));
    expect(target.formats?.map((f) => f.id)).toEqual(['netx', 'nir']);
    // Input i drives neuron i only: sample 0 is class 0, sample 1 class 1, on the float model and the chip.
    const m = new Sequential(new Linear(2, 2, { bias: false }), new TestIf());
    m.loadStateDict(new Map([['0.weight', { shape: [2, 2], data: Float32Array.from([0.7, 0, 0, 0.7]) }]]));
    const data: Dataset = {
      name: 'two',
      split: 'test',
      length: 2,
      sampleShape: [2],
      numClasses: 2,
      getBatch: (idx) => ({ x: Float32Array.from(Array.from(idx).flatMap((i) => (i === 0 ? [1, 0] : [0, 1]))), y: Int32Array.from(idx) }),
    };
    const dir = tempDir('loihi-trained-');
    const trained = {
      model: m,
      checkpointDir: path.join(dir, 'run', 'checkpoints', 'epoch-001'),
      encoder: directEncoder(),
      encoderId: 'core/direct',
      timeSteps: 6,
      seed: 0,
      evalBatchSize: 2,
      train: data,
      test: data,
    };
    const io = { log: () => {}, quiet: true };
    const out = path.join(dir, 'm.net');
    const ex = await target.export(m, out, { format: 'netx', options: { inputBits: 3 }, trained, io });
    expect(ex?.summary).toMatchObject({ out, format: 'netx', inputBits: 3 });
    expect((await readNetx(out)).attrs.input_message_bits).toBe(3);
    expect(ex?.lines[0]).toMatch(new RegExp(`^wrote netx file ${out} for loihi2 \\(1 layers, graded input 3 bits`));
    await expectSpikeflowError(target.export(m, out, { format: 'pynn', trained }), 'invalid-options', /--format for Loihi must be netx or nir, got 'pynn'/);
    const sim = await target.simulate!({ trained, test: { indices: Int32Array.from([0, 1]), description: 'test: both', json: { samples: 2 } }, io });
    expect(sim.summary).toMatchObject({
      chip: 'loihi2',
      samples: 2,
      test: { samples: 2 },
      testDescription: 'test: both',
      timeSteps: 6,
      floatAccuracy: 1,
      chipAccuracy: 1,
      agreement: 1,
      wraps: 0,
    });
    expect(sim.lines[0]).toMatch(/^test: both, T=6: float accuracy 100\.00%, loihi2 bit-accurate 100\.00%/);
  });
});
