import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { tempDir } from '@spikeflow/testing';
import { describe, expect, it } from 'vitest';
import { runCli as run } from './test-utils/run-cli.js';
import { jsonLines } from './test-utils/json-lines.js';
import { FMNIST, haveFashionMnist as haveData, fmnistFlags } from './test-utils/fashion-mnist.js';

describe('spikeflow info', () => {
  it('lists the backend, plugins and registered ids', async () => {
    const r = await run('info', '--json', '--backend', 'wasm');
    expect(r.code).toBe(0);
    const info = JSON.parse(r.stdout);
    expect(info.backend).toBe('wasm');
    expect(info.plugins.map((p: { namespace: string }) => p.namespace)).toEqual(['core', 'neurons', 'datasets', 'models', 'loihi', 'spinnaker']);
    const ids = (k: string) => info.ids[k].map((d: { id: string }) => d.id);
    expect(ids('neurons')).toEqual(expect.arrayContaining(['neurons/if', 'neurons/lif', 'neurons/plif']));
    expect(ids('architectures')).toEqual(expect.arrayContaining(['models/conv-fmnist', 'models/lif-mlp']));
    expect(ids('hardwareTargets')).toEqual(['loihi/loihi1', 'loihi/loihi2', 'spinnaker/spinnaker1']);
    expect(ids('tasks')).toEqual(['core/classification', 'core/regression']);
    expect(ids('metrics')).toEqual(expect.arrayContaining(['core/accuracy', 'core/r2']));
    expect(ids('datasets')).toEqual(expect.arrayContaining(['datasets/fashion-mnist', 'datasets/mnist', 'datasets/kmnist']));
    expect(ids('losses')).toEqual(expect.arrayContaining(['core/ce-mean', 'core/mse-rate', 'core/tet']));
  });
});

describe('spikeflow train: bad input fails clearly', () => {
  it('an unknown model id names the registered ones', async () => {
    const r = await run('train', '--model', 'resnet-9000', '--backend', 'wasm', '--out', tempDir('sf-cli-'), '--data-dir', FMNIST);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /error \(unknown-id\): invalid configuration \(1 problem\):\n {2}command line: model\.id: unknown architecture 'resnet-9000'; registered: models\/conv-fmnist, models\/lif-mlp, /,
    );
  });

  it('invalid numbers and config files name the field', async () => {
    let r = await run('train', '--lr', '-1');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/optimizer\.lr/);
    const dir = tempDir('sf-cli-');
    writeFileSync(path.join(dir, 'bad.yaml'), 'epochs: three\nmodel: { id: lif-mlp, options: { hidden: [0] } }\n');
    r = await run('train', '--config', path.join(dir, 'bad.yaml'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/epochs/);
    writeFileSync(path.join(dir, 'broken.yaml'), 'epochs: [1,\n');
    r = await run('train', '--config', path.join(dir, 'broken.yaml'));
    expect(r.stderr).toMatch(/broken.yaml' is not valid YAML/);
    r = await run('train', '--neuron-opt', 'tau');
    expect(r.stderr).toMatch(/--neuron-opt expects key=value, got 'tau'/);
  });

  it('invalid architecture or neuron options name the descriptor', async () => {
    const r = await run('train', '--neuron', 'lif', '--neuron-opt', 'tau=0.5', ...fmnistFlags(), '--out', tempDir('sf-cli-'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/neurons\/lif/);
  });

  it('an unknown backend and a missing checkpoint are reported', async () => {
    expect((await run('train', '--backend', 'gpu')).stderr).toMatch(/backend/);
    const r = await run('eval', '--checkpoint', '/nonexistent/run');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/checkpoint '\/nonexistent\/run' does not exist/);
  });
});

describe.skipIf(!haveData)('spikeflow train / eval / resume on the real Fashion-MNIST (needs dataset-fashion-mnist)', () => {
  const common = [...fmnistFlags({ subset: 1024, testSubset: 512, batchSize: 64, T: 4 }), '--seed', '3'];

  it('trains, writes the run folder, prints JSON, and eval reproduces the test accuracy', async () => {
    const out = path.join(tempDir('sf-cli-'), 'run');
    const r = await run('train', ...common, '--epochs', '2', '--out', out, '--json');
    expect(r.code, r.stderr).toBe(0);
    const lines = jsonLines(r.stdout);
    expect(lines.map((l) => l.type)).toEqual(['epoch', 'epoch', 'summary']);
    const [e1, e2, summary] = lines;
    expect(e1.batches).toBe(16);
    expect(e2.trainLoss).toBeLessThan(e1.trainLoss);
    expect(summary.testAccuracy).toBe(e2.testAccuracy);
    expect(summary.testAccuracy).toBeGreaterThan(0.6);
    expect(summary.backend).toBe('wasm');
    expect(Object.keys(e2.firingRates)).toEqual(['lif1', 'lif2']); // module paths, not child indices
    expect(readdirSync(out).sort()).toEqual(['checkpoints', 'config.json', 'metrics.jsonl']);
    expect(readFileSync(path.join(out, 'metrics.jsonl'), 'utf8').trim().split('\n')).toHaveLength(2);
    expect(readFileSync(path.join(out, 'checkpoints', 'latest'), 'utf8').trim()).toBe('epoch-002');
    const config = JSON.parse(readFileSync(path.join(out, 'config.json'), 'utf8'));
    expect(config).toMatchObject({ model: { id: 'lif-mlp' }, neuron: { id: 'lif' }, timeSteps: 4, epochs: 2, seed: 3, subset: 1024 });

    const ev = await run('eval', '--checkpoint', out, '--json');
    expect(ev.code, ev.stderr).toBe(0);
    const result = jsonLines(ev.stdout)[0];
    expect(result.testAccuracy).toBe(summary.testAccuracy);
    expect(result.samples).toBe(512);
  });

  it('--max-steps then --resume gives the same weights as an uninterrupted run', async () => {
    const root = tempDir('sf-cli-');
    const straight = path.join(root, 'straight');
    const split = path.join(root, 'split');
    expect((await run('train', ...common, '--epochs', '2', '--out', straight)).code).toBe(0);
    const first = await run('train', ...common, '--epochs', '2', '--out', split, '--max-steps', '21', '--json');
    expect(first.code, first.stderr).toBe(0);
    expect(jsonLines(first.stdout).at(-1).stoppedEarly).toBe(true);
    const resumed = await run('train', '--resume', split, '--json');
    expect(resumed.code, resumed.stderr).toBe(0);
    const a = readFileSync(path.join(straight, 'checkpoints', 'epoch-002', 'model.safetensors'));
    const b = readFileSync(path.join(split, 'checkpoints', 'epoch-002', 'model.safetensors'));
    expect(b.equals(a)).toBe(true);
  });
});
