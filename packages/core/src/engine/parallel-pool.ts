import os from 'node:os';
import type { Worker } from 'node:worker_threads';
import { PoolSlot, type PoolMessage, type PoolTask, type PoolWorkerData } from './parallel-pool-protocol.js';
import { startModuleWorker } from './worker-module.js';
import { SpikeflowError } from '../errors/spikeflow-error.js';
import { tf, type Tensor } from './tf.js';
import { kernelRunner } from './kernel-registry.js';
import { JoinRows, type CoreKernelSignatures } from '../ops/kernels/core-kernel-names.js';
import { coreKernels } from '../ops/kernels/core-wasm-module.js';
import { setJoinRowsSource } from '../ops/kernels/join-rows.js';

// The second core for the big dense products on the wasm backend. tfjs-backend-wasm runs single-
// threaded in Node (its threaded build is disabled there), so a training step used one of the
// machine's two cores. Here a worker thread runs its own tfjs wasm backend; a large convolution or
// matrix product is split along its leading (batch/row) axis: the worker computes the lower part
// while the main thread computes the upper part, and the halves are joined. The call stays
// synchronous — the main thread blocks on an Atomics wait for the worker — so kernels and tapes
// see an ordinary op. Inputs and results cross through one SharedArrayBuffer (copies of a few MB,
// well under the time saved). Results are identical to the single-threaded op: each output row is
// computed by the same kernel either way. The worker's code is parallel-pool-worker.ts.

const run = kernelRunner<CoreKernelSignatures>();

interface Pool {
  worker: Worker;
  ctrl: Int32Array;
  buffer: SharedArrayBuffer;
  f32: Float32Array;
  broken: boolean;
}

let pool: Pool | null = null;
let tasks = 0;

/** How many products the worker thread has computed (a part of) in this process. */
export function parallelTaskCount(): number {
  return tasks;
}
let disabled = process.env.SPIKEFLOW_THREADS === '1';

/** Extra threads the pool may use: SPIKEFLOW_THREADS − 1, default one per further core (capped at 1). */
function wantedWorkers(): number {
  const env = Number(process.env.SPIKEFLOW_THREADS);
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  return Math.min(1, Number.isFinite(env) && env > 0 ? env - 1 : cores - 1);
}

/**
 * Turn the worker thread off (everything runs on the main thread) or on again. For tests and
 * benchmarks; `SPIKEFLOW_THREADS=1` disables it from the start.
 */
export function useParallelWorker(on: boolean): void {
  disabled = !on;
}

function startPool(): Pool | null {
  if (pool) return pool.broken ? null : pool;
  if (wantedWorkers() < 1) return null;
  const ctrlBuffer = new SharedArrayBuffer(8);
  const workerData: PoolWorkerData = { ctrl: ctrlBuffer };
  let worker: Worker;
  try {
    worker = startModuleWorker(new URL('./parallel-pool-worker.js', import.meta.url), { workerData });
  } catch {
    return null;
  }
  worker.unref(); // never keeps the process alive
  const buffer = new SharedArrayBuffer(16 << 20);
  post(worker, { buffer });
  pool = { worker, ctrl: new Int32Array(ctrlBuffer), buffer, f32: new Float32Array(buffer), broken: false };
  worker.on('error', () => {
    if (pool) pool.broken = true;
  });
  return pool;
}

/** The pool when its worker is ready (waiting up to `waitMs` for it to start), else null. */
function readyPool(waitMs: number): Pool | null {
  if (disabled || tf.getBackend() !== 'wasm') return null;
  const p = startPool();
  if (!p) return null;
  if (Atomics.load(p.ctrl, PoolSlot.Ready) === 0) Atomics.wait(p.ctrl, PoolSlot.Ready, 0, waitMs);
  const state = Atomics.load(p.ctrl, PoolSlot.Ready);
  if (state === 2) p.broken = true;
  return state === 1 && !p.broken ? p : null;
}

function ensureCapacity(p: Pool, floats: number): void {
  if (p.f32.length >= floats) return;
  const bytes = Math.ceil((floats * 4 * 1.25) / (1 << 20)) << 20;
  p.buffer = new SharedArrayBuffer(bytes);
  p.f32 = new Float32Array(p.buffer);
  post(p.worker, { buffer: p.buffer }); // delivered before the next task (one port, in order)
}

const sizeOf = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

/**
 * Below this many multiply-adds a split costs more than it saves (measured under `chrt -f` on 2
 * cores: splitting conv-snn's 60-460 M MAC convolutions saves ~13 % of a W2 step, while splitting
 * lif-mlp's 51 M MAC matrix products made W1 steps 20 % slower — the worker re-copies and
 * re-packs the whole right-hand matrix for every call).
 */
const MIN_CONV_MACS = 20e6;
const MIN_MATMUL_MACS = 400e6;

type SplitTask = Omit<PoolTask, 'a' | 'b' | 'out'>;

/** Messages to the worker, typed by the protocol both sides import. */
function post(worker: Worker, m: PoolMessage): void {
  worker.postMessage(m);
}

/**
 * Run `op(a, b)` with `a` split along axis 0 between this thread and the worker, or return
 * undefined when not worth it (or no worker): the caller then runs the op itself.
 */
function splitRun(a: Tensor, b: Tensor, outShape: number[], macs: number, task: SplitTask, local: (part: Tensor) => Tensor): Tensor | undefined {
  if (macs < (task.op === 'conv2d' ? MIN_CONV_MACS : MIN_MATMUL_MACS) || a.shape[0] < 2) return undefined;
  const p = readyPool(5000);
  const k = coreKernels(); // heap views (and the join kernel) come with the compiled core module
  if (!p || !k) return undefined;
  const rows = a.shape[0];
  const top = Math.ceil(rows / 2);
  const rowA = sizeOf(a.shape.slice(1));
  const rowOut = sizeOf(outShape.slice(1));
  const aLen = (rows - top) * rowA;
  const bLen = b.size;
  const outLen = (rows - top) * rowOut;
  ensureCapacity(p, aLen + bLen + outLen);
  setJoinRowsSource(p.f32);
  p.f32.set(k.f32(k.ptr(a) + 4 * top * rowA, aLen), 0);
  p.f32.set(k.f32(k.ptr(b), bLen), aLen);
  Atomics.store(p.ctrl, PoolSlot.Task, 0);
  tasks++;
  post(p.worker, {
    ...task,
    a: { off: 0, len: aLen, shape: [rows - top, ...a.shape.slice(1)] },
    b: { off: aLen, len: bLen, shape: b.shape },
    out: aLen + bLen,
  });
  return tf.tidy(() => {
    const upper = local(tf.slice(a, [0], [top]));
    const waited = Atomics.wait(p.ctrl, PoolSlot.Task, 0, 120_000);
    const state = Atomics.load(p.ctrl, PoolSlot.Task);
    if (waited === 'timed-out' || state !== 1) {
      p.broken = true;
      throw new SpikeflowError(
        waited === 'timed-out' ? 'timeout' : 'invalid-state',
        `the parallel worker ${waited === 'timed-out' ? 'did not answer within 120 s' : 'failed'} on a ${task.op} of [${a.shape}] x [${b.shape}]; it is now disabled (set SPIKEFLOW_THREADS=1 to never use it)`,
      );
    }
    return run(JoinRows, { top: upper }, { shape: outShape, off: aLen + bLen }) as Tensor;
  });
}

/**
 * `tf.conv2d(x, filter, strides, pad, 'NHWC', dilations)` using both cores on wasm (batch split);
 * identical results.
 */
export function parallelConv2d(
  x: tf.Tensor4D,
  filter: tf.Tensor4D,
  strides: [number, number],
  pad: 'same' | 'valid' | number | [[number, number], [number, number], [number, number], [number, number]],
  dilations: [number, number] = [1, 1],
): Tensor {
  const conv = (part: Tensor) => tf.conv2d(part as tf.Tensor4D, filter, strides, pad, 'NHWC', dilations);
  if (disabled || tf.getBackend() !== 'wasm' || x.shape[0] < 2) return conv(x);
  // The output shape from a one-sample probe would cost a conv; compute it as tfjs does instead.
  const info = tf.backend_util.computeConv2DInfo(x.shape, filter.shape, strides, dilations, pad as 'same', undefined, false, 'channelsLast');
  const outShape = [x.shape[0], info.outHeight, info.outWidth, info.outChannels];
  const macs = sizeOf(outShape) * filter.shape[0] * filter.shape[1] * filter.shape[2];
  return splitRun(x, filter, outShape, macs, { op: 'conv2d', strides, pad, dilations }, conv) ?? conv(x);
}

/** `tf.matMul(a, b)` for 2-D `a [M, K]`, `b [K, N]` using both cores on wasm (row split); identical results. */
export function parallelMatMul(a: tf.Tensor2D, b: tf.Tensor2D): Tensor {
  const mm = (part: Tensor) => tf.matMul(part as tf.Tensor2D, b);
  if (disabled || tf.getBackend() !== 'wasm') return mm(a);
  const [m, kk] = a.shape;
  const n = b.shape[1];
  return splitRun(a, b, [m, n], m * kk * n, { op: 'matMul' }, mm) ?? mm(a);
}
