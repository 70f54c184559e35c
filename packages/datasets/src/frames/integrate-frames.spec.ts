import { describe, expect, it } from 'vitest';
import { integrateFrames } from './integrate-frames.js';
import { segmentsByDuration, segmentsByNumber, segmentsByTime } from './frame-segments.js';
import { denoiseEvents } from './denoise-events.js';
import { downsampleEvents } from './downsample-events.js';
import type { EventBatch } from '../events/event-batch.js';
import { randomEvents, type TestEvent } from '../test-utils/event-writers.js';

function batch(events: TestEvent[]): EventBatch {
  return {
    length: events.length,
    t: Float64Array.from(events, (e) => e.t),
    x: Uint16Array.from(events, (e) => e.x),
    y: Uint16Array.from(events, (e) => e.y),
    p: Uint8Array.from(events, (e) => e.p),
  };
}

// A deliberately plain reference, written from SpikingJelly's documented definitions: index
// ranges by masks over the whole stream, then a [T][2][H][W] nested-array count, then the
// transpose to NHWC for comparison.
function referenceFrames(ev: TestEvent[], W: number, H: number, mode: 'number' | 'time' | 'duration', param: number): number[] {
  const N = ev.length;
  const jl: number[] = [];
  const jr: number[] = [];
  if (mode === 'number') {
    const di = Math.floor(N / param);
    for (let i = 0; i < param; i++) {
      jl.push(i * di);
      jr.push(i * di + di);
    }
    jr[param - 1] = N;
  } else if (mode === 'time') {
    const dt = Math.floor((ev[N - 1]!.t - ev[0]!.t) / param);
    for (let i = 0; i < param; i++) {
      const tl = dt * i + ev[0]!.t;
      const tr = tl + dt;
      const idx = ev.map((e, k) => (e.t >= tl && e.t < tr ? k : -1)).filter((k) => k >= 0);
      if (idx.length === 0) throw new Error('reference: empty window (SpikingJelly fails here too)');
      jl.push(idx[0]!);
      jr.push(idx[idx.length - 1]! + 1);
    }
    jr[param - 1] = N;
  } else {
    const tmin = Math.min(...ev.map((e) => e.t));
    const rel = ev.map((e) => e.t - tmin);
    const F = Math.ceil(rel[N - 1]! / param);
    const fi = rel.map((r) => Math.floor(r / param));
    let left = 0;
    for (let i = 0; i < F - 1; i++) {
      let right = fi.findIndex((v) => v >= i + 1);
      if (right < 0) right = N;
      jl.push(left);
      jr.push(right);
      left = right;
    }
    jl.push(left);
    jr.push(N);
  }
  const T = jl.length;
  const f = Array.from({ length: T }, () => Array.from({ length: 2 }, () => Array.from({ length: H }, () => new Array<number>(W).fill(0))));
  for (let i = 0; i < T; i++) for (let k = jl[i]!; k < jr[i]!; k++) f[i]![ev[k]!.p]![ev[k]!.y]![ev[k]!.x]! += 1;
  const out: number[] = [];
  for (let i = 0; i < T; i++) for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) for (let c = 0; c < 2; c++) out.push(f[i]![c]![y]![x]!);
  return out;
}

describe('integrateFrames (SpikingJelly semantics, NHWC)', () => {
  it('hand-computed: split by number puts the remainder in the last frame', () => {
    expect(segmentsByNumber(10, 3)).toEqual({ start: Int32Array.from([0, 3, 6]), end: Int32Array.from([3, 6, 10]) });
    const ev = batch([
      { t: 0, x: 0, y: 0, p: 1 },
      { t: 1, x: 1, y: 0, p: 0 },
      { t: 2, x: 1, y: 0, p: 0 },
    ]);
    const { data, shape } = integrateFrames(ev, { width: 2, height: 1, split: { by: 'number', frames: 2 } });
    expect(shape).toEqual([2, 1, 2, 2]);
    // frame 0: event 0 (ON at x0); frame 1: events 1,2 (OFF at x1).
    expect(Array.from(data)).toEqual([0, 1, 0, 0, 0, 0, 2, 0]);
  });

  it('hand-computed: split by time uses floor((t_last − t_0)/T) windows, the last taking the rest', () => {
    // dt = floor((10 − 0)/3) = 3: [0,3) [3,6) [6,..end]
    expect(segmentsByTime(Float64Array.from([0, 1, 2, 3, 5, 6, 9, 10]), 3)).toEqual({ start: Int32Array.from([0, 3, 5]), end: Int32Array.from([3, 5, 8]) });
    // A window without events is an empty frame.
    expect(segmentsByTime(Float64Array.from([0, 1, 9, 10]), 3)).toEqual({ start: Int32Array.from([0, 2, 2]), end: Int32Array.from([2, 2, 4]) });
  });

  it('hand-computed: fixed duration makes ceil(span/duration) frames', () => {
    expect(segmentsByDuration(Float64Array.from([100, 105, 110, 125]), 10)).toEqual({ start: Int32Array.from([0, 2, 3]), end: Int32Array.from([2, 3, 4]) });
    expect(segmentsByDuration(Float64Array.from([100, 110, 120]), 10).start.length).toBe(2); // 20/10 = 2, the event at 120 joins the last
  });

  for (const T of [1, 4, 10, 16]) {
    for (const mode of ['number', 'time'] as const) {
      it(`equals the reference on random streams: split by ${mode}, T=${T}`, () => {
        for (const seed of [1, 2, 3]) {
          const ev = randomEvents(1500 + seed * 37, 17, 13, seed * 100 + T, 5);
          const got = integrateFrames(batch(ev), { width: 17, height: 13, split: { by: mode, frames: T } });
          expect(got.shape).toEqual([T, 13, 17, 2]);
          expect(Array.from(got.data)).toEqual(referenceFrames(ev, 17, 13, mode, T));
        }
      });
    }
  }

  it('split by time equals the reference on an unsorted stream (small backward steps, as in real EVT3 data)', () => {
    const ev = randomEvents(2000, 9, 7, 77, 9);
    for (let i = 5; i < ev.length; i += 50) ev[i]!.t -= 3;
    const got = integrateFrames(batch(ev), { width: 9, height: 7, split: { by: 'time', frames: 8 } });
    expect(Array.from(got.data)).toEqual(referenceFrames(ev, 9, 7, 'time', 8));
  });

  for (const duration of [50, 333, 1000]) {
    it(`equals the reference on random streams: fixed duration ${duration} µs`, () => {
      const ev = randomEvents(1200, 11, 5, duration, 6);
      const got = integrateFrames(batch(ev), { width: 11, height: 5, split: { by: 'duration', duration } });
      const want = referenceFrames(ev, 11, 5, 'duration', duration);
      expect(got.data.length).toBe(want.length);
      expect(Array.from(got.data)).toEqual(want);
    });
  }

  it('one channel sums both polarities; events outside the frame are a shape-mismatch error', () => {
    const ev = batch([
      { t: 0, x: 1, y: 0, p: 1 },
      { t: 1, x: 1, y: 0, p: 0 },
    ]);
    expect(Array.from(integrateFrames(ev, { width: 2, height: 1, channels: 1, split: { by: 'number', frames: 1 } }).data)).toEqual([0, 2]);
    expect(() => integrateFrames(ev, { width: 1, height: 1, split: { by: 'number', frames: 1 } })).toThrow(/outside the 1x1 frame/);
  });
});

describe('denoiseEvents and downsampleEvents', () => {
  it('denoise keeps only events with a recent 4-neighbour (hand-computed)', () => {
    const ev = batch([
      { t: 0, x: 5, y: 5, p: 1 }, // no neighbour yet: dropped
      { t: 10, x: 6, y: 5, p: 1 }, // left neighbour stamped 0+100 > 10: kept
      { t: 20, x: 0, y: 0, p: 0 }, // isolated: dropped
      { t: 500, x: 5, y: 6, p: 0 }, // (5,5) stamp 100 < 500, (6,6) unset: dropped
      { t: 510, x: 5, y: 5, p: 0 }, // below (5,6) stamped 600 > 510: kept
    ]);
    const out = denoiseEvents(ev, { width: 8, height: 8, filterTime: 100 });
    expect(Array.from(out.t)).toEqual([10, 510]);
  });

  it('downsampling by 2 floors coordinates into a ceil-sized frame', () => {
    const ev = batch([
      { t: 0, x: 0, y: 1, p: 1 },
      { t: 1, x: 33, y: 32, p: 0 },
    ]);
    const d = downsampleEvents(ev, 34, 33, 2);
    expect([d.width, d.height]).toEqual([17, 17]);
    expect(Array.from(d.events.x)).toEqual([0, 16]);
    expect(Array.from(d.events.y)).toEqual([0, 16]);
    expect(() => downsampleEvents(ev, 34, 34, 1.5)).toThrow(/positive integer/);
  });
});
