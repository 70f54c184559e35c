import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createSpikeflow, definePlugin, SpikeflowError, type EncoderDescriptor } from '../index.js';

const enc = (id: string): EncoderDescriptor<{ k: number }> => ({
  id,
  description: 'test encoder',
  options: z.object({ k: z.number().int().positive().default(1) }).strict(),
  create: (o) => ({ id, encode: (x: unknown) => x, k: o.k }) as never,
});

describe('createSpikeflow', () => {
  it('registers core contributions under the core namespace', () => {
    const sf = createSpikeflow();
    expect(sf.losses.ids()).toEqual(['core/ce-mean', 'core/ce-membrane', 'core/huber', 'core/mae', 'core/mse', 'core/mse-membrane', 'core/mse-rate', 'core/tet']);
    expect(sf.tasks.ids()).toEqual(['core/classification', 'core/regression']);
    expect(sf.metrics.ids()).toEqual(['core/accuracy', 'core/corr', 'core/mae', 'core/mse', 'core/r2', 'core/rmse', 'core/rrse', 'core/top-k', 'core/top5']);
    expect(sf.encoders.get('direct').fullId).toBe('core/direct');
  });

  it('resolves short ids, rejects ambiguous and unknown ones with the known ids', () => {
    const a = definePlugin({ name: 'a', version: '1.0.0', namespace: 'a' }, { encoders: [enc('poisson'), enc('only-a')] });
    const b = definePlugin({ name: 'b', version: '1.0.0', namespace: 'b' }, { encoders: [enc('poisson')] });
    const sf = createSpikeflow({ plugins: [a, b] });
    expect(sf.encoders.get('only-a').fullId).toBe('a/only-a');
    expect(sf.encoders.get('b/poisson').namespace).toBe('b');
    expect(() => sf.encoders.get('poisson')).toThrowError(/ambiguous.*a\/poisson, b\/poisson/);
    try {
      sf.encoders.get('nope');
      expect.unreachable();
    } catch (e) {
      expect(SpikeflowError.is(e, 'unknown-id')).toBe(true);
      expect((e as Error).message).toContain('a/only-a');
    }
  });

  it('validates options with a message naming the descriptor', () => {
    const a = definePlugin({ name: 'a', version: '1.0.0', namespace: 'a' }, { encoders: [enc('e')] });
    const sf = createSpikeflow({ plugins: [a] });
    expect((sf.encoder('e') as unknown as { k: number }).k).toBe(1);
    expect(() => sf.encoder('e', { k: -2 })).toThrowError(/invalid options for encoder 'a\/e'/);
    expect(() => sf.encoder('e', { q: 1 })).toThrowError(SpikeflowError);
  });

  it('refuses duplicate namespaces and invalid plugins', () => {
    const a = definePlugin({ name: 'a', version: '1.0.0', namespace: 'a' }, {});
    const a2 = definePlugin({ name: 'a2', version: '1.0.0', namespace: 'a' }, {});
    expect(() => createSpikeflow({ plugins: [a, a2] })).toThrowError(/both use namespace 'a'/);
    const factory = () => a;
    expect(() => createSpikeflow({ plugins: [a, factory as never] })).toThrowError(/createSpikeflow's plugins\[1\] did not provide a plugin/);
    expect(() => definePlugin({ name: 'x', version: 'one', namespace: 'x' }, {})).toThrowError(/semver/);
    expect(() => definePlugin({ name: 'x', version: '1.0.0', namespace: 'x' }, { encoders: [enc('Bad_Id')] })).toThrowError(/invalid id/);
  });
});
