import { describe, expect, it } from 'vitest';
import { Flatten } from '../nn/flatten.js';
import { Linear } from '../nn/linear.js';
import { Sequential } from '../nn/sequential.js';
import { SGD } from '../optim/sgd.js';
import { manualSeed } from '../util/seed.js';
import { legacyOptimizerNames } from './legacy-optimizer-names.js';

const slot = (n: number) => ({ shape: [n], data: Float32Array.from({ length: n }, (_, i) => i + 1) });
/** An SGD state at `step` with a momentum slot of each given size under each name. */
const sgdState = (step: number, slots: Record<string, number>) => ({
  kind: 'sgd',
  step,
  hyper: { lr: 0.1 },
  slots: new Map(Object.entries(slots).map(([name, n]) => [name, slot(n)])),
});

describe('legacyOptimizerNames', () => {
  manualSeed(3);
  const model = new Sequential({ fc1: new Sequential({ flatten: new Flatten(), linear: new Linear(4, 3) }), fc2: new Linear(3, 2, { bias: false }) });

  it('renames slots stored under index paths to the named parameters, and the optimizer accepts them', () => {
    // Momentum slots as spikeflow wrote them when every Sequential child was numbered.
    const old = sgdState(7, { '0.1.weight.momentum': 12, '0.1.bias.momentum': 3, '1.weight.momentum': 6 });
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
    const current = sgdState(1, { 'fc2.weight.momentum': 6 });
    expect(legacyOptimizerNames(model, current)).toBe(current);
    const foreign = sgdState(1, { '1.weight.momentum': 6, '7.weight.momentum': 6 });
    expect(legacyOptimizerNames(model, foreign)).toBe(foreign);
  });
});
