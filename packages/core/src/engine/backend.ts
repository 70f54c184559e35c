import { createRequire } from 'node:module';
import { tf } from './tf.js';
import { SpikeflowError } from '../errors/spikeflow-error.js';
import { installWasmHeapGuard } from './wasm-heap-guard.js';
import { addKernelRegistrar, runKernelRegistrars } from './kernel-registry.js';
import { registerCoreKernels } from '../ops/kernels/register-core-kernels.js';

// Core's kernels are registered the way every package's are: through the registrar list.
addKernelRegistrar(registerCoreKernels);

/** The backends spikeflow can run on, fastest first. */
export type BackendName = 'tensorflow' | 'wasm' | 'cpu';
export type BackendChoice = BackendName | 'auto';

export const BACKEND_CHOICES: readonly BackendChoice[] = ['auto', 'tensorflow', 'wasm', 'cpu'];

/** What {@link selectBackend} chose and why the faster ones were skipped. */
export interface BackendInfo {
  readonly name: BackendName;
  readonly requested: BackendChoice;
  /** Reasons the faster candidates were not used (empty when the first choice ran). */
  readonly skipped: readonly string[];
}

let current: BackendInfo | undefined;

async function tryTensorflow(): Promise<string | undefined> {
  try {
    const require = createRequire(import.meta.url);
    require.resolve('@tensorflow/tfjs-node');
  } catch {
    return '@tensorflow/tfjs-node is not installed';
  }
  try {
    await import('@tensorflow/tfjs-node' as string);
    return undefined;
  } catch (e) {
    return `@tensorflow/tfjs-node failed to load: ${(e as Error).message}`;
  }
}

async function activate(name: BackendName): Promise<string | undefined> {
  if (name === 'tensorflow') {
    const why = await tryTensorflow();
    if (why) return why;
  }
  // Before the backend initialises: a replaced tfjs kernel keeps its setup step, run at initialisation.
  runKernelRegistrars(name);
  try {
    const ok = await tf.setBackend(name);
    if (!ok) return `backend '${name}' failed to initialise`;
    await tf.ready();
    if (tf.getBackend() !== name) return `backend '${name}' did not become active`;
    // A tensor the wasm heap cannot hold must fail typed, not be placed at offset 0.
    if (name === 'wasm') installWasmHeapGuard(tf.backend());
    return undefined;
  } catch (e) {
    return `backend '${name}' failed: ${(e as Error).message}`;
  }
}

/**
 * Select the tensor backend. `auto` tries tfjs-node (`tensorflow`), then `wasm`, then `cpu`;
 * a named backend must work or this throws a `backend-unavailable` error saying why.
 *
 * @example
 * ```ts
 * const info = await selectBackend('auto');
 * console.log(`backend: ${info.name}`);
 * ```
 */
export async function selectBackend(choice: BackendChoice = 'auto'): Promise<BackendInfo> {
  if (!BACKEND_CHOICES.includes(choice)) {
    throw new SpikeflowError('invalid-options', `unknown backend '${String(choice)}'; expected one of ${BACKEND_CHOICES.join(', ')}`);
  }
  if (current && (choice === current.requested || choice === current.name) && tf.getBackend() === current.name) return current;
  const candidates: BackendName[] = choice === 'auto' ? ['tensorflow', 'wasm', 'cpu'] : [choice];
  const skipped: string[] = [];
  for (const name of candidates) {
    const why = await activate(name);
    if (!why) {
      current = { name, requested: choice, skipped };
      return current;
    }
    skipped.push(`${name}: ${why}`);
  }
  throw new SpikeflowError('backend-unavailable', `backend '${choice}' is not available (${skipped.join('; ')})`, { skipped });
}

/** The backend selected so far, if any. */
export function currentBackend(): BackendInfo | undefined {
  return current && tf.getBackend() === current.name ? current : undefined;
}

/** One line for logs: `backend: wasm (tensorflow: @tensorflow/tfjs-node is not installed)`. */
export function describeBackend(info: BackendInfo): string {
  return info.skipped.length ? `backend: ${info.name} (skipped ${info.skipped.join('; ')})` : `backend: ${info.name}`;
}
