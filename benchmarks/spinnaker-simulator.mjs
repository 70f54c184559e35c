#!/usr/bin/env node
// Throughput of the SpiNNaker target on a lif-mlp-shaped network (784 → 512 → 10, T = 8, first
// layer off-chip): the off-chip layer, the float64 reference and the s16.15 fixed-point simulator,
// in samples per second (median of 3 runs over 500 random samples), and the resource report.
//
//   (cd packages/chips-spinnaker && npx tsc -p tsconfig.build.json)
//   node benchmarks/spinnaker-simulator.mjs
//
// Prints a table and writes benchmarks/results/spinnaker-simulator.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FixedPointSimulator, mapResources, neuronParameters, offchipCurrents, quantizeNetwork, simulateReference } from '@spikeflow/chips-spinnaker';

const here = dirname(fileURLToPath(import.meta.url));
const N = 500;
const REPS = 3;

// Seeded uniform and normal draws, so every run measures the same network.
let seed = 42;
const uniform = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32;
const normal = () => Math.sqrt(-2 * Math.log(uniform() + 1e-12)) * Math.cos(2 * Math.PI * uniform());

function network() {
  const params = neuronParameters({ kind: 'lif', tau: 2, decayInput: true, vThreshold: 1, vReset: 0 }, 1);
  const w1 = Float32Array.from({ length: 784 * 512 }, () => normal() * 0.08);
  const w2 = Float32Array.from({ length: 512 * 10 }, () => normal() * 0.3);
  return {
    dtMs: 1,
    timeSteps: 8,
    input: { kind: 'current', size: 784, offchip: { weight: w1, bias: null, inFeatures: 784, outFeatures: 512 } },
    populations: ['layer1', 'layer2'].map((name, k) => ({ name, size: k ? 10 : 512, cellType: 'IF_curr_delta', params, vInit: 0, origin: 'LIF(tau=2)' })),
    projections: [{ name: 'layer1-layer2', pre: 'layer1', post: 'layer2', weights: w2, preSize: 512, postSize: 10, delaySteps: 1 }],
  };
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function time(fn) {
  const ms = [];
  let out;
  for (let r = 0; r < REPS; r++) {
    const t0 = performance.now();
    out = fn();
    ms.push(performance.now() - t0);
  }
  return { ms: median(ms), out };
}

const net = network();
const images = Float32Array.from({ length: N * 784 }, () => uniform());
const offchip = time(() => offchipCurrents(net, images, N));
const currents = offchip.out;
const fixed = quantizeNetwork(net);
const sim = new FixedPointSimulator(fixed);
const reference = time(() => {
  let spikes = 0;
  for (let i = 0; i < N; i++)
    spikes += simulateReference(net, { currents: currents.subarray(i * 512, (i + 1) * 512) })
      .get('layer1')
      .reduce((a, b) => a + b, 0);
  return spikes;
});
const fixedRun = time(() => {
  let spikes = 0;
  for (let i = 0; i < N; i++)
    spikes += sim
      .run({ currents: currents.subarray(i * 512, (i + 1) * 512) })
      .spikes.get('layer1')
      .reduce((a, b) => a + b, 0);
  return spikes;
});
const resources = mapResources(net);

const rows = [
  ['off-chip layer (784→512, float64)', offchip.ms],
  ['float64 reference (512 → 10, T=8)', reference.ms],
  ['s16.15 fixed point (512 → 10, T=8)', fixedRun.ms],
].map(([name, ms]) => ({ name, ms, samplesPerSecond: (N / ms) * 1000 }));

console.log(`SpiNNaker target, ${N} samples, median of ${REPS} (Node ${process.version}, ${os.cpus()[0]?.model ?? 'cpu'})`);
console.log('part                                    ms     samples/s');
for (const r of rows) console.log(`${r.name.padEnd(36)} ${r.ms.toFixed(1).padStart(8)} ${r.samplesPerSecond.toFixed(0).padStart(12)}`);
console.log(
  `layer1 spikes: reference ${reference.out}, fixed point ${fixedRun.out}; ${fixed.report[1].roundedToZero} of ${fixed.report[1].weights} layer2 weights round to zero (shift ${fixed.report[1].shifts})`,
);
console.log(`resources: ${resources.cores} cores, ${resources.chips} chip(s), ${resources.boards} board(s), ${resources.rows} synaptic rows, ${resources.synapticBytes} bytes`);

mkdirSync(join(here, 'results'), { recursive: true });
writeFileSync(
  join(here, 'results', 'spinnaker-simulator.json'),
  `${JSON.stringify(
    {
      benchmark: 'spinnaker-simulator',
      date: new Date().toISOString(),
      node: process.version,
      cpu: os.cpus()[0]?.model,
      samples: N,
      reps: REPS,
      rows,
      quantization: fixed.report,
      resources: { cores: resources.cores, chips: resources.chips, boards: resources.boards, rows: resources.rows, synapticBytes: resources.synapticBytes },
    },
    null,
    2,
  )}\n`,
);
