// Worker-thread entry of buildFrameCache: integrates the sources it is sent.
import { register } from 'node:module';
import { parentPort } from 'node:worker_threads';
import type { FramePipeline } from './frame-pipeline.js';
import type { SampleSource } from './sample-source.js';

// Before anything imports core: see frame-worker-hooks.ts.
register('./frame-worker-hooks.js', import.meta.url);
const { processSource } = await import('./frame-worker-task.js');

parentPort?.on('message', (msg: { id: number; source: SampleSource; pipeline: FramePipeline }) => {
  processSource(msg.source, msg.pipeline).then(
    (samples) =>
      parentPort!.postMessage(
        { id: msg.id, samples },
        samples.map((s) => s.blob.buffer as ArrayBuffer),
      ),
    (e: unknown) => {
      const err = e as { name?: string; kind?: string; message?: string; details?: unknown };
      parentPort!.postMessage({ id: msg.id, error: { name: err.name, kind: err.kind, message: err.message ?? String(e), details: err.details } });
    },
  );
});
