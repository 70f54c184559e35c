import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { tempDir } from '@spikeflow/testing';
import { describe, expect, it } from 'vitest';
import { runCli } from './test-utils/run-cli.js';

const tmp = tempDir('sf-input-checks-');

const tfjsNodeInstalled = (() => {
  try {
    createRequire(import.meta.url).resolve('@tensorflow/tfjs-node');
    return true;
  } catch {
    return false;
  }
})();

describe('--print-config checks what the run checks', () => {
  it('an unknown dataset id is refused with a suggestion', async () => {
    const r = await runCli('train', '--dataset', 'fashon-mnist', '--print-config');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /error \(unknown-id\): invalid configuration \(1 problem\):\n {2}command line: dataset\.id: unknown dataset 'fashon-mnist'; registered: .*\(did you mean 'fashion-mnist'\?\)/,
    );
  });

  it("a dataset's unknown option is refused with a suggestion", async () => {
    const file = path.join(tmp, 'dataset-option.yaml');
    writeFileSync(file, 'dataset: { id: mnist, options: { bogusOption: 1 } }\n');
    const r = await runCli('train', '--config', file, '--print-config');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/dataset\.options\.bogusOption: unknown key/);
  });

  it("a neuron's surrogate id is checked, with a suggestion", async () => {
    const r = await runCli('train', '--neuron-opt', 'surrogate=atn', '--print-config');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/command line: neuron\.options\.surrogate: unknown surrogate 'atn'; registered: .*\(did you mean 'atan'\?\) \(neurons\/lif\)/);
    const ok = await runCli('train', '--neuron-opt', 'surrogate=atan', '--print-config', '--json');
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout).neuron.options.surrogate).toBe('atan');
  });
});

describe('--print-config refuses what the run would refuse once started', () => {
  it('timeSteps: 100000 in a config: one training step does not fit in memory', async () => {
    const file = path.join(tmp, 'long.yaml');
    writeFileSync(file, 'timeSteps: 100000\n');
    const r = await runCli('train', '--config', file, '--backend', 'wasm', '--print-config');
    expect(r.code).toBe(2);
    // lif-mlp on Fashion-MNIST: at least the 784 inputs, 512 hidden and 10 output float32 values per sample and step.
    const m = /error \(out-of-memory\): one training step at batch size 64 and T=100000 needs about [\d.]+ GiB \((\d+) bytes\)/.exec(r.stderr);
    expect(m, r.stderr).not.toBeNull();
    expect(Number(m![1])).toBeGreaterThan(64 * 100000 * (784 + 512 + 10) * 4);
  });

  it("an architecture that cannot take the dataset's samples", async () => {
    const r = await runCli('train', '--model', 'vgg11', '--backend', 'wasm', '--print-config');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/error \(invalid-options\): .*vgg11 needs H and W >= 32 .*got \[28,28,1\]/);
  });
});

describe('a __proto__ key in a config is refused', () => {
  for (const [name, text] of [
    ['proto.yaml', '__proto__:\n  epochs: 3\n'],
    ['proto.json', '{"__proto__": {"epochs": 3}}'],
    ['nested.yaml', 'model:\n  id: lif-mlp\n  options:\n    __proto__: { hidden: [8] }\n'],
  ] as const) {
    it(name, async () => {
      const file = path.join(tmp, name);
      writeFileSync(file, text);
      const r = await runCli('train', '--config', file, '--print-config');
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(
        `error (invalid-options): config file '${file}': ${name === 'nested.yaml' ? 'model.options.__proto__' : '__proto__'}: '__proto__' is not allowed as a config key`,
      );
    });
  }

  it('from an option flag too', async () => {
    const r = await runCli('train', '--model-opt', '__proto__=1', '--print-config');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("error (invalid-options): --model-opt __proto__=1: '__proto__' is not allowed as an option key");
  });
});

describe('--backend gpu says which backends exist here and why none is a GPU', () => {
  const here = tfjsNodeInstalled ? 'here: auto, tensorflow, wasm, cpu' : "here: auto, wasm, cpu; 'tensorflow' needs @tensorflow/tfjs-node, which is not installed";
  for (const args of [['train', '--print-config'], ['eval', '--checkpoint', 'nowhere'], ['models'], ['energy', '--model', 'lif-mlp'], ['info']]) {
    it(args[0], async () => {
      const r = await runCli(...args, '--backend', 'gpu');
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`unknown backend 'gpu'; expected one of auto, tensorflow, wasm, cpu (${here})`);
      expect(r.stderr).toContain('There is no GPU backend');
      expect(r.stderr).not.toMatch(/did you mean 'cpu'/);
    });
  }

  it('a typo gets a suggestion instead', async () => {
    const r = await runCli('models', '--backend', 'wsam');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown backend 'wsam'.*\(did you mean 'wasm'\?\)/);
  });
});

describe('did you mean, for option keys and values of every *-opt flag', () => {
  it('--target-opt: a key without a value, an unknown key, an enum value', async () => {
    const common = ['export', '--target', 'loihi/loihi2', '--checkpoint', path.join(tmp, 'none'), '--out', path.join(tmp, 'x.net')];
    let r = await runCli(...common, '--target-opt', 'inputBit');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      "--target-opt expects key=value, got 'inputBit' (did you mean 'inputBits=<value>'?); options of loihi/loihi2: inputBits, inputShape, timeSteps, format, maxChips, allowResetMismatch",
    );
    r = await runCli(...common, '--target-opt', 'inputBit=4');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--target-opt: inputBit: unknown key (did you mean 'inputBits'?)");
    r = await runCli(...common, '--target-opt', 'format=nri');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--target-opt: format: expected one of 'netx', 'nir', got 'nri' (a string) (did you mean 'nir'?) (loihi/loihi2)");
  });

  it('energy --model-opt and --neuron-opt: keys, values and the surrogate id', async () => {
    let r = await runCli('energy', '--model', 'lif-mlp', '--model-opt', 'hiden=[8]');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--model-opt: hiden: unknown key (did you mean 'hidden'?)");
    r = await runCli('energy', '--model', 'lif-mlp', '--neuron-opt', 'tua=2');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--neuron-opt: tua: unknown key (did you mean 'tau'?)");
    r = await runCli('energy', '--model', 'lif-mlp', '--neuron-opt', 'surrogate=atn');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/error \(unknown-id\): --neuron-opt surrogate: unknown surrogate 'atn'; registered: .*\(did you mean 'atan'\?\)/);
  });
});
