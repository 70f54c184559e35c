import { tf, type Tensor } from './tf.js';
import type { HeapTensorInfo } from './wasm-kernel-module.js';

// spikeflow's custom kernels follow tfjs' shape: a kernel is a config `{ kernelName, backendName,
// kernelFunc }` in its own file, a gradient `{ kernelName, gradFunc }`, and each package keeps one
// list of them with one registration function. Every package's registration function is a
// "kernel registrar" added here; `selectBackend` runs all of them for the backend it activates
// (before the backend initialises, so a replaced tfjs kernel's setup runs with it), and a registrar
// added after a backend was selected runs at once for that backend. That is the only way kernels
// get registered.

/**
 * The typed description of one kernel: its input tensors (by name; optional ones may be absent),
 * its attributes and its outputs. Kernel names map to signatures in one interface per package.
 */
export interface KernelSignature {
  readonly inputs: object;
  readonly attrs: object;
}

/** What a kernel function receives, typed by its signature (tensors as the backend sees them). */
export interface KernelArgs<S extends KernelSignature> {
  readonly inputs: { [K in keyof S['inputs']]: undefined extends S['inputs'][K] ? HeapTensorInfo | undefined : HeapTensorInfo };
  readonly backend: unknown;
  readonly attrs: S['attrs'];
}

/** One kernel for one backend (tfjs' KernelConfig, with typed inputs and attributes). */
export interface SpikeflowKernelConfig<S extends KernelSignature = KernelSignature> {
  readonly kernelName: string;
  readonly backendName: string;
  readonly kernelFunc: (args: KernelArgs<S>) => HeapTensorInfo | HeapTensorInfo[];
  /** For a kernel that replaces a tfjs one: run once when the backend initialises (tfjs' setupFunc). */
  readonly setupFunc?: tf.KernelSetupFunc;
}

/** The gradient of a kernel (tfjs' GradConfig, with typed attributes). */
export interface SpikeflowGradConfig<S extends KernelSignature = KernelSignature> {
  readonly kernelName: string;
  /** Which inputs (by position in the `runKernel` inputs) and outputs the gradient reads, in that order. */
  readonly inputsToSave?: string[];
  readonly outputsToSave?: boolean[];
  readonly gradFunc: (dy: Tensor | Tensor[], saved: Tensor[], attrs: S['attrs']) => Record<string, () => Tensor>;
}

/** A kernel config of any signature: what a package's kernel list holds. */
export type AnyKernelConfig = Omit<SpikeflowKernelConfig, 'kernelFunc'> & { readonly kernelFunc: (args: never) => unknown };

/** A gradient config of any signature. */
export type AnyGradConfig = Omit<SpikeflowGradConfig, 'gradFunc'> & { readonly gradFunc: (dy: never, saved: never, attrs: never) => unknown };

/** Registers one package's kernels (and kernel replacements) for a backend; must be idempotent. */
export type KernelRegistrar = (backendName: string) => void;

const registrars: KernelRegistrar[] = [];
let selected: string | undefined;

/**
 * Add a package's kernel registration function. It runs for every backend `selectBackend`
 * activates from now on, and at once for the backend already selected, if any.
 *
 * @example
 * ```ts
 * addKernelRegistrar((backendName) => registerKernelConfigs(MY_KERNELS, backendName));
 * ```
 */
export function addKernelRegistrar(registrar: KernelRegistrar): void {
  if (registrars.includes(registrar)) return;
  registrars.push(registrar);
  if (selected) registrar(selected);
}

/** Run every registrar for `backendName` (called by `selectBackend` before it activates that backend). */
export function runKernelRegistrars(backendName: string): void {
  selected = backendName;
  for (const r of registrars) r(backendName);
}

/**
 * Register the configs of `configs` that are for `backendName` (each once) and the gradients
 * of `grads` (each once, for every backend).
 */
export function registerKernelConfigs(configs: readonly AnyKernelConfig[], backendName: string, grads: readonly AnyGradConfig[] = []): void {
  for (const c of configs) {
    if (c.backendName !== backendName || tf.getKernel(c.kernelName, c.backendName)) continue;
    tf.registerKernel(c as unknown as tf.KernelConfig);
  }
  for (const g of grads) {
    if (!tf.getGradient(g.kernelName)) tf.registerGradient(g as unknown as tf.GradConfig);
  }
}

/**
 * Run a registered kernel with typed inputs and attributes (a thin typed front of
 * `tf.engine().runKernel`; absent optional inputs are left out).
 */
export function runKernel<S extends KernelSignature>(kernelName: string, inputs: { [K in keyof S['inputs']]: S['inputs'][K] }, attrs: S['attrs']): Tensor | Tensor[] {
  const named: Record<string, Tensor> = {};
  for (const [k, v] of Object.entries(inputs as Record<string, Tensor | undefined | null>)) if (v) named[k] = v;
  return tf.engine().runKernel(kernelName, named as tf.NamedTensorMap, attrs as unknown as tf.NamedAttrMap);
}

/**
 * A typed `runKernel` for one package's kernel map (name → signature).
 *
 * @example
 * ```ts
 * const runCoreKernel = kernelRunner<CoreKernelSignatures>();
 * const y = runCoreKernel(SparseMatMul, { x, w }, {}) as Tensor;
 * ```
 */
export function kernelRunner<M>(): <N extends keyof M & string>(
  kernelName: N,
  inputs: M[N] extends KernelSignature ? M[N]['inputs'] : never,
  attrs: M[N] extends KernelSignature ? M[N]['attrs'] : never,
) => Tensor | Tensor[] {
  return (kernelName, inputs, attrs) => runKernel(kernelName, inputs as never, attrs as never);
}
