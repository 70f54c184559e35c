/**
 * What a SpikeflowError looks like from outside `@spikeflow/core` (this package depends on no spikeflow
 * package, so that core's own specs can use it): `name` 'SpikeflowError', a string `kind`, `details`.
 */
export interface SpikeflowErrorLike extends Error {
  readonly kind: string;
  readonly details: Readonly<Record<string, unknown>>;
}

/**
 * What {@link expectSpikeflowError} returns for a function returning `R`: a promise of the error when `R` is a
 * promise, else the error (also for functions typed `never`, which only throw, and `any`).
 */
export type SpikeflowErrorResult<R> = [R] extends [never]
  ? SpikeflowErrorLike
  : 0 extends 1 & R
    ? SpikeflowErrorLike
    : [R] extends [PromiseLike<unknown>]
      ? Promise<SpikeflowErrorLike>
      : SpikeflowErrorLike;

function isSpikeflowError(value: unknown): value is SpikeflowErrorLike {
  return value instanceof Error && value.name === 'SpikeflowError' && typeof (value as { kind?: unknown }).kind === 'string';
}

function describeValue(value: unknown): string {
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  return `a thrown ${typeof value} (${String(value)})`;
}

function check(thrown: boolean, value: unknown, kind: string, message: RegExp | string | undefined): SpikeflowErrorLike {
  if (!thrown) throw new Error(`expected a SpikeflowError of kind '${kind}', but the call completed without an error`);
  if (!isSpikeflowError(value)) throw new Error(`expected a SpikeflowError of kind '${kind}', got ${describeValue(value)}`);
  if (value.kind !== kind) throw new Error(`expected a SpikeflowError of kind '${kind}', got kind '${value.kind}': ${value.message}`);
  const matches = message === undefined || (typeof message === 'string' ? value.message.includes(message) : message.test(value.message));
  if (!matches) throw new Error(`the SpikeflowError of kind '${kind}' says "${value.message}", which does not match ${String(message)}`);
  return value;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

/**
 * Expect a call (or a promise) to fail with a SpikeflowError of `kind` whose message matches `message`
 * (a pattern, or text it must contain). Returns the error for further checks on `details`. A function that
 * returns a promise, or a promise, gives a promise to await.
 *
 * @example
 * ```ts
 * expectSpikeflowError(() => registry.get('nope'), 'unknown-id', /registered: neurons\/lif/);
 * const err = await expectSpikeflowError(openDataset(dir), 'dataset-missing');
 * expect(err.details.path).toBe(dir);
 * ```
 */
export function expectSpikeflowError(promise: PromiseLike<unknown>, kind: string, message?: RegExp | string): Promise<SpikeflowErrorLike>;
export function expectSpikeflowError<R>(fn: () => R, kind: string, message?: RegExp | string): SpikeflowErrorResult<R>;
export function expectSpikeflowError(target: PromiseLike<unknown> | (() => unknown), kind: string, message?: RegExp | string): SpikeflowErrorLike | Promise<SpikeflowErrorLike> {
  let result: unknown;
  if (typeof target === 'function') {
    try {
      result = target();
    } catch (e) {
      return check(true, e, kind, message);
    }
    if (!isThenable(result)) return check(false, undefined, kind, message);
  } else {
    result = target;
  }
  return Promise.resolve(result as PromiseLike<unknown>).then(
    () => check(false, undefined, kind, message),
    (e: unknown) => check(true, e, kind, message),
  );
}
