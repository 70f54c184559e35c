import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Module, loadCheckpoint, tf } from '@spikeflow/core';
import { LIFNode, atan } from '@spikeflow/neurons';
import { nirToNetwork, readNetx, readNir } from '@spikeflow/chips-loihi';
import { tempDir } from '@spikeflow/testing';
import { runCli as run } from './test-utils/run-cli.js';
import { runFromBareFolder } from './test-utils/bare-cwd.js';
import { FMNIST, fmnistFlags, haveFashionMnist as haveData } from './test-utils/fashion-mnist.js';
import { lastJson } from './test-utils/json-lines.js';
import { loadTrainedModel } from './run/trained-model.js';

if (!haveData) console.warn(`skipping the Loihi CLI tests: no Fashion-MNIST in ${FMNIST}`);

runFromBareFolder();

describe('spikeflow export / simulate / finetune targets', () => {
  it('an unknown target is a typed error naming the known ones', async () => {
    const r = await run('export', '--target', 'truenorth', '--checkpoint', '.', '--out', 'x');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/error \(unknown-id\): unknown export target 'truenorth'; known: loihi, loihi2, loihi1/);
  });
});

describe.skipIf(!haveData)('Loihi on a trained Fashion-MNIST lif-mlp (needs dataset-fashion-mnist)', () => {
  // The run the first test trains is the one the others export, simulate and fine-tune.
  const root = tempDir('sf-loihi-');
  const runDir = path.join(root, 'run');
  const data = fmnistFlags();

  it('trains a small lif-mlp, and the bit-accurate simulation loses at most 1.0 point against float', async () => {
    const t = await run('train', ...data, '--subset', '6000', '--test-subset', '500', '--out', runDir, '--seed', '1');
    expect(t.code, t.stderr).toBe(0);
    const r = await run('simulate', '--target', 'loihi', '--checkpoint', runDir, ...data, '--test-subset', '1000', '--json');
    expect(r.code, r.stderr).toBe(0);
    const s = lastJson(r.stdout);
    expect(s).toMatchObject({ type: 'simulate', chip: 'loihi2', samples: 1000, timeSteps: 8, wraps: 0 });
    expect(s.floatAccuracy).toBeGreaterThan(0.7);
    expect(s.drop).toBeLessThanOrEqual(1.0);
    expect(s.resources.total).toMatchObject({ compartments: 522, synapses: 406_528 });
  });

  it('exports netx that reads back as two dense CUBA layers with the quantised parameters', async () => {
    const out = path.join(root, 'mlp.net');
    const r = await run('export', '--target', 'loihi', '--format', 'netx', '--checkpoint', runDir, ...data, '--json');
    expect(r.code).not.toBe(0); // --out is required
    const ok = await run('export', '--target', 'loihi', '--format', 'netx', '--checkpoint', runDir, '--out', out, ...data, '--json');
    expect(ok.code, ok.stderr).toBe(0);
    const summary = lastJson(ok.stdout);
    const net = await readNetx(out);
    expect(net.layers.map((l) => [l.type, ...l.shape])).toEqual([
      ['dense', 512],
      ['dense', 10],
    ]);
    expect(net.layers[0].weight?.shape).toEqual([512, 784]);
    expect(net.layers.map((l) => l.neuron?.vThMant)).toEqual(summary.layers.map((l: { vth: number }) => l.vth));
    expect(net.attrs.input_message_bits).toBe(summary.inputBits);
  });

  it('exports NIR; importing it with spikeflow LIF neurons gives identical outputs', async () => {
    const out = path.join(root, 'mlp.nir');
    const ok = await run('export', '--target', 'loihi', '--format', 'nir', '--checkpoint', runDir, '--out', out, ...data);
    expect(ok.code, ok.stderr).toBe(0);
    const io = { log: () => {}, quiet: true };
    const original = await loadTrainedModel(runDir, { dataDir: FMNIST, backend: 'wasm' }, io);
    const { model: imported, inputShape } = nirToNetwork(
      await readNir(out),
      (n) => new LIFNode({ tau: n.tau, decayInput: n.decayInput, vThreshold: n.vThreshold, vReset: n.vReset, surrogate: atan() }),
    );
    expect(inputShape).toEqual([28, 28, 1]);
    const x = tf.randomUniform([8, 16, 28, 28, 1], 0, 1, 'float32', 5);
    const spikes = (m: Module) => tf.tidy(() => Array.from(m.eval().forward(x).dataSync()));
    const a = spikes(original.model);
    expect(a.reduce((s, v) => s + v, 0)).toBeGreaterThan(0);
    expect(spikes(imported)).toEqual(a);
    x.dispose();
    original.model.dispose();
  });

  it('finetune --target loihi trains with quantised weights and saves chip-representable weights', async () => {
    const out = path.join(root, 'ft');
    const r = await run('finetune', '--target', 'loihi', '--checkpoint', runDir, '--out', out, ...data, '--subset', '640', '--test-subset', '300', '--json');
    expect(r.code, r.stderr).toBe(0);
    const s = lastJson(r.stdout);
    expect(s.type).toBe('finetune');
    const ck = await loadCheckpoint(out);
    // The checkpoint holds the chip's levels: the netx export of it stores exactly w·gain, with the
    // gain the fine-tuning used (recorded in loihi-quantisation.json).
    const tuned = JSON.parse(readFileSync(path.join(out, 'loihi-quantisation.json'), 'utf8'));
    const netxFile = path.join(root, 'ft.net');
    const ex = await run('export', '--target', 'loihi', '--checkpoint', out, '--out', netxFile, ...data);
    expect(ex.code, ex.stderr).toBe(0);
    const exported = (await readNetx(netxFile)).layers[1].weight!.data; // [10, 512]
    const w = ck.weights.get('fc2.weight')!.data; // [512, 10]
    const distinct = new Set<number>();
    for (let o = 0; o < 10; o++)
      for (let i = 0; i < 512; i++) {
        const level = w[i * 10 + o] * tuned.gains[1];
        expect(Math.abs(level - Math.round(level))).toBeLessThan(1e-3);
        expect(exported[o * 512 + i]).toBe(Math.round(level));
        distinct.add(Math.round(level));
      }
    expect(distinct.size).toBeGreaterThan(20);
    const sim = await run('simulate', '--target', 'loihi', '--checkpoint', out, ...data, '--test-subset', '300', '--json');
    expect(sim.code, sim.stderr).toBe(0);
    const simulated = lastJson(sim.stdout);
    // The chip runs what the fine-tuning evaluated (quantised weights and input): same accuracy
    // within a few of the 300 samples (the float model's remaining differences: integer decays, ties).
    expect(Math.abs(simulated.chipAccuracy - s.testAccuracy)).toBeLessThanOrEqual(0.02);
    // The chip mapping keeps the input encoding the weights were tuned for.
    expect(simulated.inputBits).toBe(JSON.parse(readFileSync(path.join(out, 'loihi-quantisation.json'), 'utf8')).inputBits);
  });
});
