import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Flatten, Linear, Sequential, createSpikeflow } from '@spikeflow/core';
import { chipsLoihi } from './plugin.js';
import { readNetx } from './netx/read-netx.js';
import { readNir } from './nir/read-nir.js';
import { TestLif } from './test-utils/fixtures.js';

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
    const dir = mkdtempSync(path.join(tmpdir(), 'loihi-target-'));
    await target.export(m, path.join(dir, 'm.net'));
    expect((await readNetx(path.join(dir, 'm.net'))).layers).toHaveLength(2);
    const nirTarget = d.create(d.options.parse({ inputShape: [4, 4, 1], format: 'nir' }));
    await nirTarget.export(m, path.join(dir, 'm.nir'));
    expect(Object.keys((await readNir(path.join(dir, 'm.nir'))).nodes).sort()).toEqual(['fc0', 'fc1', 'flatten', 'input', 'lif0', 'lif1', 'output']);
  });
});
