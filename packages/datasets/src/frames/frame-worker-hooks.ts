// Module resolution hooks of the frame worker (registered by frame-worker.ts). Code on the
// worker's path needs only SpikeflowError from core, and core's index loads TensorFlow.js, which
// takes seconds per worker; so `@spikeflow/core` resolves to core's tfjs-free `@spikeflow/core/errors`
// entry there. If that entry cannot be resolved (an older core), the full core is loaded as usual.

type Resolved = { url: string; shortCircuit?: boolean; format?: string | null };
type NextResolve = (specifier: string, context: unknown) => Promise<Resolved>;

export async function resolve(specifier: string, context: unknown, nextResolve: NextResolve): Promise<Resolved> {
  if (specifier !== '@spikeflow/core') return nextResolve(specifier, context);
  try {
    return await nextResolve('@spikeflow/core/errors', context);
  } catch {
    return nextResolve(specifier, context);
  }
}
