import { describe, expect, it } from 'vitest';
import { Flatten } from '../nn/flatten.js';
import { Linear } from '../nn/linear.js';
import { Sequential } from '../nn/sequential.js';
import { SGD } from '../optim/sgd.js';
import { manualSeed } from '../util/seed.js';
import { legacyOptimizerNames } from './legacy-optimizer-names.js';

const slot = (n: number) => ({ shape: [n], data: Float32Array.from({ length: n }, (_, i) => i + 1) });

describe('legacyOptimizerNames', () => {
  manualSeed(3);
  const model = new Sequential({ fc1: new Sequential({ flatten: new Flatten(), linear: new Linear(4, 3) }), fc2: new Linear(3, 2, { bias: false }) });

  it('renames slots stored under index paths to the named parameters, and the optimizer accepts them', () => {
    // Momentum slots as spikeflow wrote them when every Sequential child was numbered.
    const old = {
      kind: 'sgd',
      step: 7,
      hyper: { lr: 0.1 },
      slots: new Map([
        ['0.1.weight.momentum', slot(12)],
        ['0.1.bias.momentum', slot(3)],
        ['1.weight.momentum', slot(6)],
      ]),
    };
    const migrated = legacyOptimizerNames(model, old);
    expect([...migrated.slots.keys()]).toEqual(['fc1.linear.weight.momentum', 'fc1.linear.bias.momentum', 'fc2.weight.momentum']);
    expect(migrated.slots.get('fc2.weight.momentum')).toBe(old.slots.get('1.weight.momentum'));
    expect(migrated.step).toBe(7);
    const sgd = new SGD(model.namedParameters(), { lr: 0.1, momentum: 0.9 });
    expect(() => sgd.setState(old)).toThrowError(/names parameter '0\.1\.weight'/);
    sgd.setState(migrated);
    expect(sgd.getState().slots.get('fc2.weight.momentum')!.data).toEqual(slot(6).data);
  });

  it('leaves current or unmappable state as it is, so the optimizer reports the mismatch', () => {
    const current = { kind: 'sgd', step: 1, hyper: { lr: 0.1 }, slots: new Map([['fc2.weight.momentum', slot(6)]]) };
    expect(legacyOptimizerNames(model, current)).toBe(current);
    const foreign = {
      kind: 'sgd',
      step: 1,
      hyper: { lr: 0.1 },
      slots: new Map([
        ['1.weight.momentum', slot(6)],
        ['7.weight.momentum', slot(6)],
      ]),
    };
    expect(legacyOptimizerNames(model, foreign)).toBe(foreign);
  });
});
