import { describe, expect, it } from 'vitest';
import { LoihiNetwork, type LoihiDenseLayer } from './loihi-network.js';
import { makeRandom } from '../test-utils/fixtures.js';

/**
 * A straight transcription of Lava's PyLifModelBitAcc / PyDenseModelBitAcc in BigInt arithmetic
 * (numpy int64/int32 semantics written out), independent of the simulator's code paths.
 */
function referenceRun(layers: LoihiDenseLayer[], input: number[], steps: number): number[][] {
  const I32 = (x: bigint) => BigInt.asIntN(32, x);
  const M = 1n << 23n;
  const state = layers.map((l) => ({ u: new Array<bigint>(l.outFeatures).fill(0n), v: new Array<bigint>(l.outFeatures).fill(0n), buf: new Array<bigint>(l.outFeatures).fill(0n) }));
  const counts = layers.map((l) => new Array<number>(l.outFeatures).fill(0));
  let prevSpikes: number[][] = layers.map((l) => new Array<number>(l.outFeatures).fill(0));
  const L = layers.length;
  for (let t = 0; t < steps + L; t++) {
    const spikesNow: number[][] = [];
    for (let k = 0; k < L; k++) {
      const l = layers[k];
      const st = state[k];
      const aIn = st.buf.slice(); // Dense sends the previous step's accumulation
      const sIn = k === 0 ? (t < steps ? input : input.map(() => 0)) : spikesNow[k - 1];
      for (let o = 0; o < l.outFeatures; o++) {
        let acc = 0n;
        for (let i = 0; i < l.inFeatures; i++) acc += BigInt(l.weights[o * l.inFeatures + i]) * BigInt(sIn[i]);
        st.buf[o] = l.weightExp >= 0 ? I32(acc << BigInt(l.weightExp)) : I32(acc >> BigInt(-l.weightExp));
      }
      const spikes: number[] = [];
      const biasMant = (o: number) => BigInt(typeof l.neuron.biasMant === 'number' ? l.neuron.biasMant : l.neuron.biasMant[o]);
      for (let o = 0; o < l.outFeatures; o++) {
        const du = BigInt(l.neuron.du + 1);
        let d = st.u[o] * (4096n - du);
        d = d < 0n ? -(-d >> 12n) : d >> 12n;
        const cur = I32(I32(d) + I32(aIn[o] << 6n));
        let w = cur > M ? cur - 2n * M : cur;
        w = w <= -M ? cur + 2n * M : w;
        st.u[o] = w;
        let dv = st.v[o] * (4096n - BigInt(l.neuron.dv));
        dv = dv < 0n ? -(-dv >> 12n) : dv >> 12n;
        const bias = l.neuron.biasExp >= 0 ? biasMant(o) << BigInt(l.neuron.biasExp) : biasMant(o) >> BigInt(-l.neuron.biasExp);
        let v = dv + w + bias;
        if (v > M - 1n) v = M - 1n;
        if (v < -M + 1n) v = -M + 1n;
        const s = v > BigInt(l.neuron.vth) << 6n ? 1 : 0;
        st.v[o] = s ? 0n : v;
        spikes.push(s);
        counts[k][o] += s;
      }
      spikesNow.push(spikes);
    }
    prevSpikes = spikesNow;
  }
  void prevSpikes;
  return counts;
}

function randomLayers(seed: number, widths: number[], opts: { big?: boolean } = {}): LoihiDenseLayer[] {
  const rnd = makeRandom(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  return widths.slice(1).map((out, k) => {
    const inF = widths[k];
    return {
      kind: 'dense',
      inFeatures: inF,
      outFeatures: out,
      weights: Int32Array.from({ length: inF * out }, () => 2 * int(-128, 127)),
      weightExp: int(-2, opts.big ? 3 : 1),
      numWeightBits: 8,
      signMode: 'mixed',
      neuron: { du: int(0, 4095), dv: int(0, 4095), vth: int(1, opts.big ? 2000 : 400), biasMant: Int32Array.from({ length: out }, () => int(-50, 50)), biasExp: int(0, 6) },
    };
  });
}

/** One dense layer of a single neuron behind a single input: 8-bit mixed-sign weight `weight`, exponent 0. */
function oneNeuron(weight: number, neuron: LoihiDenseLayer['neuron'], extra: Partial<LoihiDenseLayer> = {}): LoihiDenseLayer[] {
  return [{ kind: 'dense', inFeatures: 1, outFeatures: 1, weights: Int32Array.from([weight]), weightExp: 0, numWeightBits: 8, signMode: 'mixed', neuron, ...extra }];
}

describe('LoihiNetwork', () => {
  it('matches a BigInt transcription of Lava bit-accurate Dense + LIF, including wraps and clipping', () => {
    let spikes = 0;
    let wraps = 0;
    for (let seed = 1; seed <= 6; seed++) {
      const layers = randomLayers(seed, [12, 9, 5], { big: seed > 3 });
      const rnd = makeRandom(100 + seed);
      const input = Array.from({ length: 12 }, () => Math.floor(rnd() * 16));
      const net = new LoihiNetwork({ layers, inputMessageBits: 4 });
      const got = net.run(input, 10, { lavaTiming: true });
      const want = referenceRun(layers, input, 10);
      expect(got.counts.map((c) => Array.from(c))).toEqual(want);
      spikes += want.flat().reduce((a, b) => a + b, 0);
      wraps += got.wraps;
    }
    expect(spikes).toBeGreaterThan(0);
    expect(wraps).toBeGreaterThan(0); // the large-weight seeds exercise the 24-bit wrap
  });

  it('wraps are counted when the drive is too large', () => {
    const layers = oneNeuron(254, { du: 0, dv: 0, vth: 131071, biasMant: 0, biasExp: 0 });
    // a = 254·255 = 64770 per step, u accumulates (du = 0 keeps it) past 2^23 within a few steps.
    const r = new LoihiNetwork({ layers, inputMessageBits: 8 }).run([255], 4, { lavaTiming: false });
    expect(r.wraps).toBeGreaterThan(0);
  });

  it("with zero biases and du = 4095 (the current is this step's input), Lava timing only delays the output", () => {
    // Without input a neuron's voltage only decays, so the extra steps after the input window add
    // no spikes; with du < 4095 a lingering current would (the next test shows it).
    for (let seed = 10; seed < 14; seed++) {
      const layers = randomLayers(seed, [10, 8, 4]).map((l) => ({ ...l, neuron: { ...l.neuron, du: 4095, biasMant: 0 } }));
      const rnd = makeRandom(seed);
      const input = Array.from({ length: 10 }, () => Math.floor(rnd() * 8));
      const net = new LoihiNetwork({ layers, inputMessageBits: 3 });
      const a = net.run(input, 8, { lavaTiming: true });
      const b = net.run(input, 8, { lavaTiming: false });
      expect(a.steps).toBe(10);
      expect(a.counts.map((c) => Array.from(c))).toEqual(b.counts.map((c) => Array.from(c)));
    }
  });

  it('du < 4095 carries current across steps (hand case), unlike the du = 4095 mapping', () => {
    // du = 2047: u halves each step. a = 10 → u = 640 at step 1; vth·64 = 640, dv = 4095 (v ≈ 0 each step).
    const layers = oneNeuron(10, { du: 2047, dv: 4095, vth: 5, biasMant: 0, biasExp: 6 });
    const net = new LoihiNetwork({ layers, inputMessageBits: 0 });
    // Same-step timing, 1 step: u = 640, v = 640 > 320 → 1 spike.
    expect(Array.from(net.run([1], 1, { lavaTiming: false }).counts[0])).toEqual([1]);
    // Lava timing, 1 input step, 2 steps run: step 1 sees nothing (buffer), step 2 sees a = 10 → 1 spike.
    expect(Array.from(net.run([1], 1, { lavaTiming: true }).counts[0])).toEqual([1]);
    // Same-step, 3 steps of input: u = 640, 960, 1120; each exceeds 320 → 3 spikes.
    expect(Array.from(net.run([1], 3, { lavaTiming: false }).counts[0])).toEqual([3]);
    expect(net.neurons[0].u[0]).toBe(1120); // 640 → 320 + 640 = 960 → 480 + 640 = 1120
  });

  it('a synaptic delay of 2 (hand case): Lava timing adds d + 1 steps and runs them, spikeflow timing adds d', () => {
    // du = 4095 clears u, dv = 4095 clears v: the neuron spikes exactly in the steps a = 10 arrives.
    const layers = oneNeuron(10, { du: 4095, dv: 4095, vth: 5, biasMant: 0, biasExp: 6 }, { delays: Int32Array.from([2]) });
    const net = new LoihiNetwork({ layers, inputMessageBits: 0 });
    // Input in steps 0..2. Lava: arrivals at 3, 4, 5 of 3 + 1 + 2 = 6 steps → 3 spikes.
    const lava = net.run([1], 3, { lavaTiming: true });
    expect(lava.steps).toBe(6);
    expect(Array.from(lava.counts[0])).toEqual([3]);
    // spikeflow timing: arrivals at 2, 3, 4, of which only step 2 lies within the 3 steps run.
    expect(Array.from(net.run([1], 3, { lavaTiming: false }).counts[0])).toEqual([1]);
  });

  it('hand case: one neuron, graded input, threshold crossing on the second step', () => {
    // w = 4, payload 5 → a = 20, u = 1280 each step (du = 4095 clears it), dv = 2048 halves v.
    // v: 1280, 640 + 1280 = 1920 > vth·64 = 1600 → spike at step 2, v = 0; step 3: 1280; step 4: 1920 → spike.
    const layers = oneNeuron(4, { du: 4095, dv: 2048, vth: 25, biasMant: 0, biasExp: 6 });
    const r = new LoihiNetwork({ layers, inputMessageBits: 3 }).run([5], 4, { lavaTiming: false });
    expect(Array.from(r.counts[0])).toEqual([2]);
  });

  it('rejects inputs that are not valid payloads and mismatched layer sizes', () => {
    const layers = randomLayers(3, [4, 3, 2]);
    const net = new LoihiNetwork({ layers, inputMessageBits: 0 });
    expect(() => net.run([0, 2, 0, 1], 3)).toThrow(/binary spike/);
    expect(() => net.run([0, 1], 3)).toThrow(/expected 4/);
    expect(() => new LoihiNetwork({ layers: [layers[1], layers[0]], inputMessageBits: 0 })).toThrow(/layer 1 takes 4 inputs but layer 0 has 2 neurons/);
  });
});
