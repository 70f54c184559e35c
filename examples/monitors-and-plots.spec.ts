import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from './monitors-and-plots.js';

const out = mkdtempSync(path.join(tmpdir(), 'sf-plots-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('examples/monitors-and-plots.ts', () => {
  it('single-step equals multi-step, the monitors record, and the plots are written as SVG and PNG', async () => {
    const r = await main(out);
    expect(r.sameOutput).toBe(true);
    // One record from the multi-step forward and one per single step.
    expect(r.records).toBe(9);
    expect(r.spikeCount).toBeGreaterThan(0);
    const svg = readFileSync(path.join(out, 'raster.svg'), 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    // One tick per spike of sample 0 among the first 64 neurons; at least one fired.
    expect((svg.match(/aria-roledescription="tick"/g) ?? []).length).toBeGreaterThan(0);
    const png = readFileSync(path.join(out, 'membrane.png'));
    expect(Array.from(png.subarray(0, 8))).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  });
});
