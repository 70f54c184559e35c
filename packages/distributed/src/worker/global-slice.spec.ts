import { describe, expect, it } from 'vitest';
import { epochPermutation } from '@spikeflow/core';
import { globalSlice } from './global-slice.js';

describe('globalSlice', () => {
  it("the ranks' slices concatenate to exactly the global batch, for any worker count and a short last batch", () => {
    const order = epochPermutation(103, 5, 2);
    const g = 24;
    for (const n of [1, 2, 3, 4, 5]) {
      for (let b = 0; b < Math.ceil(103 / g); b++) {
        const parts = Array.from({ length: n }, (_, r) => globalSlice(order, b, g, r, n));
        const joined = parts.flatMap((p) => Array.from(p.local));
        expect(joined).toEqual(Array.from(order.slice(b * g, Math.min(103, (b + 1) * g))));
        for (const p of parts) expect(p.globalCount).toBe(joined.length);
        // Near-equal: sizes differ by at most one.
        const sizes = parts.map((p) => p.local.length);
        expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      }
    }
  });

  it('with N·B = G every rank gets exactly B consecutive samples', () => {
    const order = Int32Array.from({ length: 48 }, (_, i) => 100 + i);
    expect(Array.from(globalSlice(order, 1, 12, 2, 3).local)).toEqual([120, 121, 122, 123]);
  });
});
