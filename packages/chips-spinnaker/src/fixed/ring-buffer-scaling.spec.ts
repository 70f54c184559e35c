import { describe, expect, it } from 'vitest';
import { SpikeflowError } from '@spikeflow/core';
import { dequantizeWeight, quantizeWeight, ringBufferShift, shiftForBound, weightScale } from './ring-buffer-scaling.js';

describe('ringBufferShift (sPyNNaker, equal delays)', () => {
  it('bounds one step by Σ max|w|·max fan-in and takes the next power of two strictly above', () => {
    expect(ringBufferShift({ projections: [{ maxAbsWeight: 0.5, maxFanIn: 10 }] })).toBe(3); // bound 5 → 2^3
    expect(ringBufferShift({ projections: [{ maxAbsWeight: 0.5, maxFanIn: 8 }] })).toBe(3); // bound 4 = 2^2 → one more
    expect(
      ringBufferShift({
        projections: [
          { maxAbsWeight: 0.25, maxFanIn: 8 },
          { maxAbsWeight: 0.5, maxFanIn: 2 },
        ],
      }),
    ).toBe(2); // 2 + 1 = 3
    expect(ringBufferShift({ projections: [{ maxAbsWeight: 0.3, maxFanIn: 1 }] })).toBe(0); // below 1
    expect(ringBufferShift({ projections: [{ maxAbsWeight: 1, maxFanIn: 1 }] })).toBe(1); // exactly 1
    expect(ringBufferShift({ projections: [] })).toBe(0);
    // 2000 spikes/s at 1 ms is 2 spikes per step: the bound doubles (5 → 10 → shift 4).
    expect(ringBufferShift({ projections: [{ maxAbsWeight: 0.5, maxFanIn: 10 }], spikesPerSecond: 2000 })).toBe(4);
    // 30 spikes/s is below one per step; the bound uses at least one.
    expect(ringBufferShift({ projections: [{ maxAbsWeight: 0.5, maxFanIn: 10 }], spikesPerSecond: 30, dtMs: 0.1 })).toBe(3);
  });

  it('shiftForBound is exact at powers of two', () => {
    expect([0, 0.5, 1, 1.5, 2, 3, 4, 255, 256, 257].map(shiftForBound)).toEqual([0, 0, 1, 1, 2, 2, 3, 8, 9, 9]);
  });
});

describe('weight words', () => {
  it('stores rint(|w|·2^(15−s)) and reads back word/2^(15−s)', () => {
    expect(weightScale(3)).toBe(4096);
    expect(quantizeWeight(0.1, 3)).toBe(410); // 409.6
    expect(quantizeWeight(-0.1, 3)).toBe(410); // the synapse type carries the sign
    expect(dequantizeWeight(410, 3)).toBe(410 / 4096);
    expect(quantizeWeight(1e-4, 3)).toBe(0); // 0.41 rounds to zero: a lost synapse
    expect(quantizeWeight(0.5 / 4096, 3)).toBe(0); // tie → even
    expect(quantizeWeight(1.5 / 4096, 3)).toBe(2);
  });

  it('rejects weights above the 16-bit word', () => {
    let err: unknown;
    try {
      quantizeWeight(2.5, 0);
    } catch (e) {
      err = e;
    }
    expect(SpikeflowError.is(err, 'unrepresentable')).toBe(true);
    expect((err as Error).message).toContain('16-bit');
  });
});
