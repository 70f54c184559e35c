// Config files, --print-config, resume at an epoch boundary, --json and --quiet through the CLI.
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { tempDir } from '@spikeflow/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { loadCheckpoint } from '@spikeflow/core';
import { runCli } from './test-utils/run-cli.js';
import { haveFashionMnist as haveData, fmnistFlags } from './test-utils/fashion-mnist.js';

const tmp = () => tempDir('sf-config-');
const jsonLines = (s: string) =>
  s
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));

afterEach(() => vi.restoreAllMocks());

describe('spikeflow train --config / --print-config', () => {
  it('prints the resolved config: defaults, then the file, then flags', async () => {
    const dir = tmp();
    const file = path.join(dir, 'run.yaml');
    writeFileSync(file, 'model: { id: conv-fmnist, options: { channels: 8 } }\nneuron: plif\nepochs: 3\noptimizer: { id: sgd, lr: 0.1 }\nseed: 4\n');
    const r = await runCli('train', '--config', file, '--epochs', '5', '--lr', '0.02', '--print-config');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    const c = parseYaml(r.stdout);
    expect(c).toMatchObject({
      model: { id: 'conv-fmnist', options: { channels: 8 } },
      neuron: { id: 'plif', options: {} },
      epochs: 5,
      seed: 4,
      optimizer: { id: 'sgd', lr: 0.02, momentum: 0.9, weightDecay: 0 },
      timeSteps: 8,
      batchSize: 64,
    });
    // The printed YAML is itself a valid config file that resolves to the same thing.
    writeFileSync(path.join(dir, 'resolved.yaml'), r.stdout);
    const again = await runCli('train', '-c', path.join(dir, 'resolved.yaml'), '--print-config', '--json');
    expect(JSON.parse(again.stdout)).toEqual(c);
  });

  it('JSON config files work too', async () => {
    const file = path.join(tmp(), 'run.json');
    writeFileSync(file, JSON.stringify({ timeSteps: 4, loss: { id: 'ce-mean' } }));
    const c = JSON.parse((await runCli('train', '-c', file, '--print-config', '--json')).stdout);
    expect(c.timeSteps).toBe(4);
    expect(c.loss).toEqual({ id: 'ce-mean', options: {} });
  });

  it('bad config files exit 2 naming the file, the key and what was expected', async () => {
    const file = path.join(tmp(), 'bad.yaml');
    writeFileSync(file, 'epoch: 3\nbatchSize: big\noptimizer: { id: adamw, weightDecay: -1 }\n');
    const r = await runCli('train', '--config', file, '--print-config');
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('invalid configuration (3 problems)');
    expect(r.stderr).toContain(`${file}: epoch: unknown key (did you mean 'epochs'?)`);
    expect(r.stderr).toContain(`${file}: batchSize: expected an integer, got 'big' (a string)`);
    expect(r.stderr).toContain(`${file}: optimizer.weightDecay: expected a number >= 0, got -1`);
    const flag = await runCli('train', '--config', file, '--batch-size', 'x');
    expect(flag.code).toBe(2);
    expect(flag.stderr).toMatch(/--batch-size expects an integer, got 'x'/);
  });
});

describe('component ids and options are checked against the registries before training', () => {
  it('names the key path under model/neuron options, with the descriptor and a suggestion', async () => {
    const file = path.join(tmp(), 'run.yaml');
    writeFileSync(file, 'model: { id: lif-mlp, options: { hiden: [10] } }\nneuron: { id: lif, options: { tau: 0.5 } }\n');
    const r = await runCli('train', '-c', file, '--print-config');
    expect(r.code).toBe(2);
    const lines = r.stderr.split('\n').map((l) => l.trim());
    expect(lines).toContain(`${file}: model.options.hiden: unknown key (did you mean 'hidden'?); expected one of: hidden, bias, output, outputTau (models/lif-mlp)`);
    // The descriptor's own message is kept.
    expect(lines.find((l) => l.startsWith(`${file}: neuron.options.tau:`))).toMatch(/tau must be greater than 1.*; got 0\.5 \(neurons\/lif\)$/);
  });

  it('an unknown id from a flag gets a suggestion; options flags alone keep the default id', async () => {
    const r = await runCli('train', '--model', 'lif-mpl', '--print-config');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/error \(unknown-id\): .*\n {2}command line: model\.id: unknown architecture 'lif-mpl'; registered: .* \(did you mean 'lif-mlp'\?\)/);
    // With --json the failure is also a JSON line on stdout.
    const j = await runCli('train', '--model', 'lif-mpl', '--print-config', '--json');
    expect(JSON.parse(j.stdout)).toMatchObject({ type: 'error', kind: 'unknown-id' });
    expect(JSON.parse(j.stdout).message).toContain("did you mean 'lif-mlp'?");
    const ok = await runCli('train', '--neuron-opt', 'surrogate=atan', '--print-config', '--json');
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout).neuron).toEqual({ id: 'lif', options: { surrogate: 'atan' } });
  });
});

describe.skipIf(!haveData)('resume, --json and --quiet on the real Fashion-MNIST', () => {
  // A constant learning rate: the cosine schedule's horizon is the run's epoch count, so
  // extending a finished 1-epoch run to 2 epochs would change the rate after the resume point.
  const common = [...fmnistFlags({ subset: 256, testSubset: 128, batchSize: 32, T: 2, seed: 5 }), '--schedule', 'constant'];

  it('2 epochs equal 1 epoch + --resume to 2 epochs (bit-identical weights and optimizer state)', async () => {
    const root = tmp();
    const straight = path.join(root, 'straight');
    const split = path.join(root, 'split');
    // --quiet before the command applies to it as well.
    const s = await runCli('--quiet', 'train', ...common, '--epochs', '2', '--out', straight);
    expect(s.code, s.stderr).toBe(0);
    expect(s.stderr).toBe('');
    const first = await runCli('train', ...common, '--epochs', '1', '--out', split, '--quiet', '--json');
    expect(first.code, first.stderr).toBe(0);
    // --quiet: nothing on stderr; --json: epoch lines then one summary line.
    expect(first.stderr).toBe('');
    expect(jsonLines(first.stdout).map((l) => l.type)).toEqual(['epoch', 'summary']);
    const second = await runCli('train', '--resume', split, '--epochs', '2', '--json');
    expect(second.code, second.stderr).toBe(0);
    const lines = jsonLines(second.stdout);
    expect(lines.map((l) => l.type)).toEqual(['epoch', 'summary']);
    expect(lines[0].epoch).toBe(2);
    const a = await loadCheckpoint(path.join(straight, 'checkpoints', 'epoch-002'));
    const b = await loadCheckpoint(path.join(split, 'checkpoints', 'epoch-002'));
    expect(b.state.step).toBe(a.state.step);
    for (const f of ['model.safetensors', 'optimizer.safetensors']) {
      expect(readFileSync(path.join(b.dir, f)).equals(readFileSync(path.join(a.dir, f))), f).toBe(true);
    }
    expect(readFileSync(path.join(split, 'metrics.jsonl'), 'utf8').trim().split('\n')).toHaveLength(2);
    expect(JSON.parse(readFileSync(path.join(split, 'config.json'), 'utf8')).epochs).toBe(2);

    // eval: the human result goes to stdout, --json gives one line.
    const ev = await runCli('eval', '--checkpoint', split, '--quiet');
    expect(ev.code, ev.stderr).toBe(0);
    expect(ev.stderr).toBe('');
    expect(ev.stdout).toMatch(/^checkpoint .*epoch-002: test accuracy \d+\.\d+% /);
    const evj = jsonLines((await runCli('eval', '--checkpoint', split, '--json', '-q')).stdout);
    expect(evj).toHaveLength(1);
    expect(evj[0]).toMatchObject({ type: 'eval', samples: 128, testAccuracy: lines[1].testAccuracy });
  });
});

describe('colour', () => {
  it('errors are red only when colour is on: FORCE_COLOR forces it, --no-color and NO_COLOR win', async () => {
    vi.stubEnv('NO_COLOR', '');
    vi.stubEnv('FORCE_COLOR', '1');
    expect((await runCli('train', '--epochs', '0', '--print-config')).stderr).toContain('\x1b[31merror (invalid-options)\x1b[39m');
    expect((await runCli('train', '--epochs', '0', '--print-config', '--no-color')).stderr).toMatch(/^spikeflow: error \(invalid-options\)/);
    vi.stubEnv('NO_COLOR', '1');
    expect((await runCli('train', '--epochs', '0', '--print-config')).stderr).not.toContain('\x1b[');
    vi.unstubAllEnvs();
  });
});

describe('--json on info and datasets', () => {
  it('stdout is exactly one JSON value', async () => {
    const ds = await runCli('datasets', 'list', '--json');
    expect(ds.code).toBe(0);
    const rows = JSON.parse(ds.stdout);
    expect(rows.map((r: { id: string }) => r.id)).toContain('datasets/fashion-mnist');
    const info = await runCli('info', '--json', '--backend', 'wasm');
    expect(JSON.parse(info.stdout).backend).toBe('wasm');
  });
});
