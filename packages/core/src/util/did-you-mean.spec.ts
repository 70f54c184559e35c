import { describe, expect, it } from 'vitest';
import { didYouMean, editDistance } from './did-you-mean.js';

describe('editDistance', () => {
  it('counts inserts, deletes, substitutions and swaps as one edit each', () => {
    expect(editDistance('', '')).toBe(0);
    expect(editDistance('epoch', 'epochs')).toBe(1);
    expect(editDistance('epochs', 'epoch')).toBe(1);
    expect(editDistance('seed', 'sead')).toBe(1);
    expect(editDistance('adma', 'adam')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('abc', '')).toBe(3);
  });
});

describe('didYouMean', () => {
  const keys = ['model', 'neuron', 'epochs', 'batchSize', 'evalBatchSize', 'timeSteps', 'seed'];
  it('suggests the closest key for a typo', () => {
    expect(didYouMean('epoch', keys)).toBe('epochs');
    expect(didYouMean('nueron', keys)).toBe('neuron');
    expect(didYouMean('batchsize', keys)).toBe('batchSize');
    expect(didYouMean('timesteps', keys)).toBe('timeSteps');
    expect(didYouMean('adma', ['adam', 'adamw', 'sgd'])).toBe('adam');
  });
  it('stays quiet when nothing is close', () => {
    expect(didYouMean('optimiser_beta', keys)).toBeUndefined();
    expect(didYouMean('x', keys)).toBeUndefined();
    expect(didYouMean('epoch', [])).toBeUndefined();
  });
});
