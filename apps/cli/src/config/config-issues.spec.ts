import { describe, expect, it } from 'vitest';
import { expectSpikeflowError } from '@spikeflow/testing';
import { resolveRunConfig, runConfigSchema } from './run-config.js';
import { formatPath, schemaKeysAt } from './config-issues.js';

/** The problem lines of the invalid-options error `fn` throws (after its first line, which counts them). */
function problems(fn: () => unknown): string[] {
  return expectSpikeflowError(fn, 'invalid-options')
    .message.split('\n')
    .slice(1)
    .map((l) => l.trim());
}

describe('resolveRunConfig', () => {
  it('merges defaults < checkpoint < file < flags', () => {
    const c = resolveRunConfig([
      { name: 'checkpoint', value: { epochs: 2, seed: 5, optimizer: { id: 'sgd', lr: 0.1 } } },
      { name: 'run.yaml', value: { epochs: 4, optimizer: { lr: 0.05 }, model: { id: 'conv-fmnist', options: { channels: 8 } } } },
      { name: 'command line', value: { epochs: 6, model: { options: { channels: 16 } } } },
    ]);
    expect(c.epochs).toBe(6);
    expect(c.seed).toBe(5);
    expect(c.optimizer).toEqual({ id: 'sgd', lr: 0.05, momentum: 0.9, weightDecay: 0 });
    expect(c.model).toEqual({ id: 'conv-fmnist', options: { channels: 16 } });
    expect(c.batchSize).toBe(64);
  });

  it('reads `model: id` as `model: { id }`', () => {
    const c = resolveRunConfig([{ name: 'run.yaml', value: { model: 'conv-fmnist', neuron: 'plif', optimizer: 'adamw' } }]);
    expect(c.model).toEqual({ id: 'conv-fmnist', options: {} });
    expect(c.neuron.id).toBe('plif');
    expect(c.optimizer.id).toBe('adamw');
  });

  it('names the file, the key path, what was expected and what was found', () => {
    const lines = problems(() =>
      resolveRunConfig([{ name: 'run.yaml', value: { epochs: 'three', timeSteps: 2.5, optimizer: { id: 'adma', lr: -1 }, schedule: { id: 'cosine', warmupSteps: -2 } } }]),
    );
    expect(lines).toEqual(
      expect.arrayContaining([
        "run.yaml: epochs: expected an integer, got 'three' (a string)",
        'run.yaml: timeSteps: expected an integer, got 2.5',
        "run.yaml: optimizer.id: expected one of 'adam', 'adamw', 'sgd', got 'adma' (a string) (did you mean 'adam'?)",
        'run.yaml: optimizer.lr: expected a number > 0, got -1',
        'run.yaml: schedule.warmupSteps: expected a number >= 0, got -2',
      ]),
    );
    expect(lines).toHaveLength(5);
  });

  it('rejects unknown keys at any depth, with a suggestion and the keys that exist', () => {
    const lines = problems(() => resolveRunConfig([{ name: 'run.yaml', value: { epoch: 3, optimizer: { id: 'adam', learningRate: 1 }, model: { id: 'lif-mlp', option: {} } } }]));
    expect(lines.find((l) => l.startsWith('run.yaml: epoch:'))).toMatch(/^run\.yaml: epoch: unknown key \(did you mean 'epochs'\?\); expected one of: model, neuron, .*epochs/);
    expect(lines.find((l) => l.startsWith('run.yaml: optimizer.learningRate'))).toBe(
      'run.yaml: optimizer.learningRate: unknown key; expected one of: id, lr, momentum, weightDecay',
    );
    expect(lines.find((l) => l.startsWith('run.yaml: model.option:'))).toBe("run.yaml: model.option: unknown key (did you mean 'options'?); expected one of: id, options");
  });

  it('blames the layer the bad value came from', () => {
    const lines = problems(() =>
      resolveRunConfig([
        { name: 'run.yaml', value: { epochs: 0, seed: 1 } },
        { name: 'command line', value: { epochs: 2, batchSize: -4 } },
      ]),
    );
    expect(lines).toEqual(['command line: batchSize: expected a number > 0, got -4']);
  });
});

describe('helpers', () => {
  it('schemaKeysAt walks defaults and nested objects', () => {
    expect(schemaKeysAt(runConfigSchema, ['schedule'])).toEqual(['id', 'warmupSteps', 'minLr']);
    expect(schemaKeysAt(runConfigSchema, ['epochs'])).toEqual([]);
    expect(schemaKeysAt(runConfigSchema, ['nope', 'x'])).toEqual([]);
  });
  it('formatPath writes dotted keys and list indices', () => {
    expect(formatPath(['model', 'options', 'hidden', 0])).toBe('model.options.hidden[0]');
    expect(formatPath([])).toBe('(top level)');
  });
});
