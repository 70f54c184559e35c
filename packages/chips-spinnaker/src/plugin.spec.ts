import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectSpikeflowError, tempDir } from '@spikeflow/testing';
import { createSpikeflow } from '@spikeflow/core';
import { models } from '@spikeflow/models';
import { neurons } from '@spikeflow/neurons';
import { readNetworkFile } from './export/data-file.js';
import { spinnaker } from './plugin.js';

describe('spinnaker plugin', () => {
  const sf = createSpikeflow({ plugins: [neurons(), models(), spinnaker()] });

  it('registers spinnaker/spinnaker1 with validated options', () => {
    const d = sf.hardwareTargets.get('spinnaker/spinnaker1');
    expect(d.fullId).toBe('spinnaker/spinnaker1');
    expect(sf.hardwareTargets.get('spinnaker1')).toBe(d);
    expect(d.options.parse({})).toEqual({ timeSteps: 8, input: 'current', simulator: 'spinnaker', boards: 1, neuronsPerCore: 256 });
    expect(d.options.safeParse({ simulator: 'loihi' }).success).toBe(false);
    expect(d.options.safeParse({ neuronsPerCore: 512 }).success).toBe(false);
  });

  it('checks and exports the lif-mlp: 3 cores on 1 chip, run.py + network.safetensors', async () => {
    const model = sf.model('lif-mlp', {}, { inputShape: [28, 28, 1], numClasses: 10, neuron: { id: 'lif' }, staticInput: true });
    const d = sf.hardwareTargets.get('spinnaker1');
    const target = d.create(d.options.parse({ simulator: 'brian2' }));
    const report = target.check(model);
    expect(report.fits).toBe(true);
    expect(report.resources).toMatchObject({ cores: 3, chips: 1, boards: 1, neurons: 522 });
    expect(report.messages.some((m) => m.includes('round to zero'))).toBe(true);
    const dir = tempDir('sf-spinn-target-');
    await target.export(model, dir);
    expect(existsSync(path.join(dir, 'run.py'))).toBe(true);
    const back = await readNetworkFile(path.join(dir, 'network.safetensors'));
    expect(back.network.populations.map((p) => p.size)).toEqual([512, 10]);
    expect(back.network.input.kind).toBe('current');
    // Too few neurons per core for one board: 784-512-10 at 1 neuron per core needs 522 cores; fine; 40 boards' worth is not.
    const tiny = d.create(d.options.parse({ neuronsPerCore: 1 }));
    expect(tiny.check(model).resources.cores).toBe(522);
    const wide = sf.model('lif-mlp', { hidden: [800] }, { inputShape: [28, 28, 1], numClasses: 10, neuron: { id: 'lif' }, staticInput: true });
    expect(tiny.check(wide).fits).toBe(false);
    await expectSpikeflowError(tiny.export(wide, dir), 'does-not-fit');
    model.dispose();
    wide.dispose();
  });

  it('through the contract: the alias, one format, and the format and simulator flags checked with their names', async () => {
    const d = sf.hardwareTargets.get('spinnaker1');
    expect(d.aliases).toEqual(['spinnaker']);
    const target = d.create(d.options.parse({}));
    expect(target.formats?.map((f) => f.id)).toEqual(['pynn']);
    expect(typeof target.simulate).toBe('function');
    expect(target.finetune).toBeUndefined();
    const model = sf.model('lif-mlp', {}, { inputShape: [28, 28, 1], numClasses: 10, neuron: { id: 'lif' }, staticInput: true });
    const dir = tempDir('sf-spinn-flags-');
    const message = async (request: Parameters<typeof target.export>[2]) => (await expectSpikeflowError(target.export(model, dir, request), 'invalid-options')).message;
    expect(await message({ format: 'netx' })).toBe("--format for SpiNNaker must be pynn (a PyNN script and its data file), got 'netx'");
    expect(await message({ options: { simulator: 'loihi' } })).toBe("--simulator must be spinnaker, brian2 or nest, got 'loihi'");
    expect(existsSync(path.join(dir, 'run.py'))).toBe(false);
    model.dispose();
  });
});
