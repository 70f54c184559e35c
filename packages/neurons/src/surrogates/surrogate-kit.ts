// Shared plumbing for the surrogate factories: option validation with clear errors, and wrapping
// the element-wise formulas so that intermediate tensors never leak.
import { SpikeflowError, tf, type SurrogateDescriptor, type SurrogateFunction, type Tensor } from '@spikeflow/core';
import { z } from 'zod';
import type { SurrogateKind } from '../fused/kernels/neuron-codes.js';

/** The namespace this package's plugin registers under; surrogate ids are `neurons/<id>`. */
export const NAMESPACE = 'neurons';

/**
 * Validate and default a factory's options with the same zod schema its descriptor exposes, so a
 * direct call (`sigmoid({ alpha: -1 })`) fails exactly like `sf.surrogate('sigmoid', { alpha: -1 })`.
 */
export function parseSurrogateOptions<T>(id: string, schema: z.ZodType<T>, options: unknown): T {
  const parsed = schema.safeParse(options ?? {});
  if (!parsed.success) {
    throw new SpikeflowError('invalid-options', `invalid options for surrogate '${NAMESPACE}/${id}':\n${z.prettifyError(parsed.error)}`, { id: `${NAMESPACE}/${id}` });
  }
  return parsed.data;
}

/** The two element-wise formulas of a surrogate, in tf ops. */
export interface SurrogateFormulas {
  primitive(x: Tensor): Tensor;
  derivative(x: Tensor): Tensor;
}

/**
 * Freeze a surrogate: id `neurons/<id>`, its hyper-parameters, and formulas run inside `tf.tidy`
 * (the spike function calls `derivative` once per step of every layer, so leaks would add up).
 */
export function createSurrogate(id: string, params: Record<string, number>, formulas: SurrogateFormulas, native?: NativeSurrogate): SurrogateFunction {
  const fn: SurrogateFunction = Object.freeze({
    id: `${NAMESPACE}/${id}`,
    params: Object.freeze({ ...params }),
    primitive: (x: Tensor) => tf.tidy(() => formulas.primitive(x)),
    derivative: (x: Tensor) => tf.tidy(() => formulas.derivative(x)),
  });
  if (native) nativeSurrogates.set(fn, Object.freeze({ ...native }));
  return fn;
}

/** What one surrogate is besides its id: its registry description, hyper-parameters and formulas. */
export interface SurrogateDefinition<P extends z.ZodRawShape> {
  readonly description: string;
  /** The hyper-parameters (zod, with defaults and checks); validated as a strict object. */
  readonly params: P;
  /** The primitive g and its derivative g' for validated parameters, and the kernels' inline form if they have one. */
  formulas(params: z.infer<z.ZodObject<P>>): SurrogateFormulas & { readonly native?: NativeSurrogate };
}

/** A surrogate factory (`sigmoid({ alpha: 4 })`) that also carries its registry entry. */
export type SurrogateFactory<O> = ((options?: Partial<O>) => SurrogateFunction) & { readonly descriptor: SurrogateDescriptor<O> };

/** The validated options of a surrogate factory. */
export type SurrogateOptionsOf<F> = F extends SurrogateFactory<infer O> ? O : never;

/**
 * Make a surrogate's factory and registry entry from its short id (registered as `neurons/<id>`) and
 * its definition: description, hyper-parameters (zod, with defaults and checks) and formulas. The
 * factory validates its options with the same strict schema the descriptor exposes, so a direct call
 * (`sigmoid({ alpha: -1 })`) fails exactly like `sf.surrogate('sigmoid', { alpha: -1 })`.
 *
 * @example
 * ```ts
 * export const erf = defineSurrogate('erf', {
 *   description: 'Gaussian gradient',
 *   params: { alpha: positive(2) },
 *   formulas: ({ alpha }) => ({ primitive: (x) => ..., derivative: (x) => ... }),
 * });
 * ```
 */
export function defineSurrogate<P extends z.ZodRawShape>(id: string, definition: SurrogateDefinition<P>): SurrogateFactory<z.infer<z.ZodObject<P>>> {
  type Options = z.infer<z.ZodObject<P>>;
  const schema = z.object(definition.params).strict() as unknown as z.ZodType<Options>;
  const factory = (options: Partial<Options> = {}): SurrogateFunction => {
    const values = parseSurrogateOptions(id, schema, options);
    const { native, primitive, derivative } = definition.formulas(values);
    return createSurrogate(id, values as Record<string, number>, { primitive, derivative }, native);
  };
  const descriptor: SurrogateDescriptor<Options> = { id, description: definition.description, options: schema, create: (options) => factory(options) };
  return Object.assign(factory, { descriptor });
}

/**
 * A surrogate derivative the compiled neuron kernels evaluate inline (csrc/neuron-kernels.c,
 * `surrogate()`): the kernel's formula and its two parameters.
 */
export interface NativeSurrogate {
  readonly kind: SurrogateKind;
  readonly p: number;
  readonly q: number;
}

// Keyed by the frozen function object this package made, so a third-party surrogate that reuses an
// id never gets a formula it does not have.
const nativeSurrogates = new WeakMap<SurrogateFunction, NativeSurrogate>();

/** The inline form of a surrogate made by this package's factories, or undefined (then the kernels read tf's derivative). */
export function nativeSurrogateOf(fn: SurrogateFunction): NativeSurrogate | undefined {
  return nativeSurrogates.get(fn);
}

/** A sharpness hyper-parameter: a finite number > 0 (zero or negative sharpness has no meaning). */
export function positive(defaultValue: number) {
  return z.number().positive().default(defaultValue);
}

/** A finite number that may be zero or negative (gradient levels such as LeakyKReLU's `leak`). */
export function finite(defaultValue: number) {
  return z.number().default(defaultValue);
}

/**
 * Boolean mask of `x >= 0`: the side test the spike uses, so piecewise formulas switch exactly where
 * the spike does. (`greaterEqual` is also the only comparison tfjs has a gradient for, so formulas
 * built on it stay differentiable when a primitive is used as a smooth forward.)
 */
export function nonNegativeMask(x: Tensor): Tensor {
  return tf.greaterEqual(x, 0);
}
