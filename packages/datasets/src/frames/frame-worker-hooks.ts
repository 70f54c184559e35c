// Module resolution hooks of the frame worker (registered by frame-worker.ts). Code on the
// worker's path needs only SpikeflowError from core, and core's index loads TensorFlow.js, which
// takes seconds per worker; so `@spikeflow/core` resolves to core's error module there. If that
// file is not where the compiled core keeps it, the full core is loaded as usual.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

type Resolved = { url: string; shortCircuit?: boolean; format?: string | null };
type NextResolve = (specifier: string, context: unknown) => Promise<Resolved>;

export async function resolve(specifier: string, context: unknown, nextResolve: NextResolve): Promise<Resolved> {
  const resolved = await nextResolve(specifier, context);
  if (specifier !== '@spikeflow/core') return resolved;
  const lite = new URL('./errors/spikeflow-error.js', resolved.url);
  if (lite.protocol === 'file:' && existsSync(fileURLToPath(lite))) return { url: lite.href, format: 'module', shortCircuit: true };
  return resolved;
}
