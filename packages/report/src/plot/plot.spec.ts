import { tf } from '@spikeflow/core';
import { expectSpikeflowError } from '@spikeflow/testing';
import { describe, expect, it } from 'vitest';
import { plotMembrane } from './plot-membrane.js';
import { plotRaster } from './plot-raster.js';

/** The aria labels of the SVG items vega draws as `role` (`tick`, `line mark`, `rule mark`, `point`). */
function items(svg: string, role: string): string[] {
  return [...svg.matchAll(/aria-label="([^"]*)" role="graphics-symbol" aria-roledescription="([^"]*)"/g)].filter((m) => m[2] === role).map((m) => m[1]);
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

describe('plotRaster / plotMembrane', () => {
  it('plotRaster draws one tick per spike of the chosen sample of a [T, B, N] record', async () => {
    // Sample 1 has spikes at (t, n) = (0, 2), (1, 0), (1, 2), (3, 1); sample 0 has one spike.
    const s = tf.buffer([4, 2, 3]);
    s.set(1, 2, 0, 0);
    for (const [t, n] of [
      [0, 2],
      [1, 0],
      [1, 2],
      [3, 1],
    ])
      s.set(1, t, 1, n);
    const fig = await plotRaster(s.toTensor(), { sample: 1 });
    expect(items(fig.svg, 'tick').sort()).toEqual(['time step: 0; neuron: 2', 'time step: 1; neuron: 0', 'time step: 1; neuron: 2', 'time step: 3; neuron: 1']);
    expect(fig.svg).toContain('4 spikes, 3 neurons, 4 steps');
    expect(Array.from(fig.png.slice(0, 8))).toEqual(PNG_SIGNATURE);
    const first = await plotRaster(s.toTensor());
    expect(items(first.svg, 'tick')).toEqual(['time step: 2; neuron: 0']);
  });

  it('plotMembrane draws one line per neuron and the threshold', async () => {
    const v = [
      [0, 0.5, 0.2],
      [0.5, 0.9, 0.1],
      [0.75, 0, 0.4],
    ];
    const fig = await plotMembrane(v, { neurons: [0, 1], threshold: 1 });
    expect(items(fig.svg, 'line mark').length).toBe(2);
    // One point per (step, neuron) drawn, at the recorded values.
    const points = items(fig.svg, 'point');
    expect(points.length).toBe(6);
    expect(points).toContain('time step: 1; membrane potential V: 0.9; neuron: 1');
    expect(points.some((p) => p.endsWith('neuron: 2'))).toBe(false);
    expect(items(fig.svg, 'rule mark').length).toBe(1);
    expect(Array.from(fig.png.slice(0, 8))).toEqual(PNG_SIGNATURE);
  });

  it('reject values that are not spikes, a sample outside the batch and an unknown neuron with typed errors', async () => {
    await expectSpikeflowError(plotRaster([[0, 0.5]]), 'invalid-options', /0 or 1/);
    await expectSpikeflowError(plotRaster(tf.zeros([2, 2, 3]), { sample: 5 }), 'invalid-options');
    await expectSpikeflowError(plotMembrane([[0, 1]], { neurons: [2] }), 'invalid-options', /neuron 2/);
    await expectSpikeflowError(plotMembrane([]), 'shape-mismatch');
  });
});
