// Forward + backward on the cpu backend (tfjs' reference kernels), whatever SPIKEFLOW_TEST_BACKEND says.
import { beforeAll, describe, expect, it } from 'vitest';
import { createSpikeflow, crossEntropy, manualSeed, selectBackend, tf } from '@spikeflow/core';
import { neurons } from '@spikeflow/neurons';
import { models } from '../plugin.js';

const sf = createSpikeflow({ plugins: [neurons(), models()] });

beforeAll(async () => {
  await selectBackend('cpu');
});

/** Every trainable parameter must receive a finite gradient that is not identically zero. */
function checkAllGradients(id: string, options: Record<string, unknown>, inputShape: [number, number, number], B: number, T: number): void {
  manualSeed(7);
  const m = sf.model(id, options, { inputShape, numClasses: 4, neuron: { id: 'lif' } });
  const params = m.namedParameters();
  tf.tidy(() => {
    const x = tf.randomUniform([T, B, ...inputShape], 0, 1, 'float32', 3);
    const labels = tf.tensor1d([1, 3].slice(0, B), 'int32');
    const { value, grads } = tf.variableGrads(
      () => {
        const out = m.forward(x);
        expect(out.shape).toEqual([T, B, 4]);
        return crossEntropy(tf.mean(out, 0), labels, 4) as tf.Scalar;
      },
      params.map(([, v]) => v),
    );
    expect(Number.isFinite(value.dataSync()[0])).toBe(true);
    const problems: string[] = [];
    for (const [name, v] of params) {
      const g = grads[v.name];
      if (!g) problems.push(`${name}: no gradient`);
      else {
        const data = g.dataSync();
        if (!data.every(Number.isFinite)) problems.push(`${name}: non-finite gradient`);
        else if (!data.some((d) => d !== 0)) problems.push(`${name}: all-zero gradient`);
      }
    }
    expect(problems).toEqual([]);
  });
  m.dispose();
}

describe('transformer gradients (cpu backend)', () => {
  it('runs on cpu', () => expect(tf.getBackend()).toBe('cpu'));

  // Reduced size for speed: depth 1, dim 32 (stem 4/8/16/32 channels), B = 2, T = 2, 32x32 inputs.
  it('spikformer: every parameter gets a gradient (32x32x3 images)', () => {
    checkAllGradients('spikformer', { depth: 1, dim: 32, heads: 2 }, [32, 32, 3], 2, 2);
  });

  it('spike-driven-transformer: every parameter gets a gradient (32x32x2 event frames)', () => {
    checkAllGradients('sdt', { depth: 1, dim: 32, heads: 4 }, [32, 32, 2], 2, 2);
  });

  it('spike-driven-transformer with hidden == dim (MLP inner shortcut) and the code form: every parameter gets a gradient', () => {
    checkAllGradients('sdt', { depth: 1, dim: 16, heads: 2, mlpRatio: 1, form: 'q-kv' }, [32, 32, 3], 1, 2);
  });
});
