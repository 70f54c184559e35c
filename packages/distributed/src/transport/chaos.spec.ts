import { describe, expect, it } from 'vitest';
import { ChaosTransport } from './chaos.js';

async function run(seed: number, o: Record<string, number>, n = 400): Promise<{ out: number[]; stats: ChaosTransport<number>['stats'] }> {
  const out: number[] = [];
  const c = new ChaosTransport<number>({ seed, ...o }, async (f) => {
    out.push(f);
  });
  for (let i = 0; i < n; i++) await c.send(i);
  await c.flush();
  return { out, stats: c.stats };
}

describe('ChaosTransport', () => {
  it('is reproducible from its seed and differs with another seed', async () => {
    const o = { drop: 0.1, duplicate: 0.1, reorder: 0.1 };
    expect((await run(1, o)).out).toEqual((await run(1, o)).out);
    expect((await run(2, o)).out).not.toEqual((await run(1, o)).out);
  });

  it('drops, duplicates and reorders at about the requested rates, and its counts match what happened', async () => {
    const { out, stats } = await run(3, { drop: 0.1, duplicate: 0.1, reorder: 0.1 }, 2000);
    const seen = new Map<number, number>();
    for (const f of out) seen.set(f, (seen.get(f) ?? 0) + 1);
    const lost = 2000 - seen.size;
    const dups = [...seen.values()].filter((c) => c > 1).length;
    let inversions = 0;
    for (let i = 1; i < out.length; i++) if (out[i] < out[i - 1]) inversions++;
    expect(lost).toBe(stats.dropped);
    expect(dups).toBe(stats.duplicated);
    expect(stats.sent).toBe(out.length);
    expect(inversions).toBeGreaterThan(0);
    for (const v of [stats.dropped, stats.duplicated]) {
      expect(v / 2000).toBeGreaterThan(0.06);
      expect(v / 2000).toBeLessThan(0.14);
    }
  });

  it('with all probabilities zero it is the identity', async () => {
    expect((await run(5, {}, 50)).out).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it('rejects probabilities outside [0, 1)', () => {
    expect(() => new ChaosTransport({ seed: 0, drop: 1.5 }, async () => {})).toThrow(/chaos drop must be a probability in \[0, 1\), got 1.5/);
  });
});
