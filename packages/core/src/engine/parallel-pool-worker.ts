// The parallel pool's worker thread (parallel-pool.ts): its own tfjs wasm backend computes the
// lower rows of a split convolution or matrix product. Inputs and results cross through a
// SharedArrayBuffer; completion is signalled through a shared Int32Array with Atomics, because the
// main thread waits synchronously.
import { parentPort, workerData } from 'node:worker_threads';
// tfjs-core and the wasm backend only, not the tfjs umbrella tf.ts loads: the main thread waits
// for this worker to start, and the umbrella takes twice as long to load.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { PoolSlot, type PoolMessage, type PoolTask, type PoolWorkerData, type SharedTensor } from './parallel-pool-protocol.js';

const ctrl = new Int32Array((workerData as PoolWorkerData).ctrl);
let f32: Float32Array<ArrayBufferLike> = new Float32Array(0);

function signal(slot: (typeof PoolSlot)[keyof typeof PoolSlot], code: number): void {
  Atomics.store(ctrl, slot, code);
  Atomics.notify(ctrl, slot);
}

function run(m: PoolTask): void {
  const view = (t: SharedTensor) => tf.tensor(f32.subarray(t.off, t.off + t.len), t.shape, 'float32');
  const a = view(m.a);
  const b = view(m.b);
  const y = m.op === 'conv2d' ? tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, m.strides!, m.pad!, 'NHWC', m.dilations) : tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D);
  f32.set(y.dataSync(), m.out);
  tf.dispose([a, b, y]);
}

parentPort!.on('message', (m: PoolMessage) => {
  if ('buffer' in m) {
    f32 = new Float32Array(m.buffer);
    return;
  }
  try {
    run(m);
    signal(PoolSlot.Task, 1);
  } catch {
    signal(PoolSlot.Task, 2);
  }
});

(async () => {
  tf.enableProdMode();
  await tf.setBackend('wasm');
  await tf.ready();
  signal(PoolSlot.Ready, 1);
})().catch(() => signal(PoolSlot.Ready, 2));
