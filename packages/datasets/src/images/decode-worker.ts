// Worker-thread entry of the image decoder (started by decodeImageFiles through core's
// startModuleWorker): decodes the jobs it is sent and transfers the pixels back.
import { parentPort } from 'node:worker_threads';
import type { SharpLike } from './decode-image.js';
import { runDecodeJob, type DecodeJob } from './decode-task.js';

const sharpName = 'sharp';
const sharp = ((await import(sharpName)) as { default: SharpLike }).default;

parentPort?.on('message', (job: DecodeJob) => {
  runDecodeJob(sharp, job).then(
    (r) => parentPort!.postMessage(r, 'pixels' in r ? [r.pixels.buffer as ArrayBuffer] : []),
    (e: unknown) => parentPort!.postMessage({ id: job.id, error: { file: job.files[0] ?? '', message: (e as Error).message ?? String(e) } }),
  );
});
