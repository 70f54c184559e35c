/** Anything with numbers to compare: an array, a typed array, or a tensor (read with `dataSync`). */
export type Numbers = ArrayLike<number> | { readonly shape: readonly number[]; dataSync(): ArrayLike<number> };

/**
 * How far apart two numbers may be: an element passes when `|actual - expected| <= max(abs, rel * |expected|)`.
 * A single number `tol` means `{ abs: tol, rel: tol }`: absolute below 1, relative above.
 */
export type Tolerance = number | { readonly abs?: number; readonly rel?: number };

function values(x: Numbers): ArrayLike<number> {
  return 'dataSync' in x && typeof x.dataSync === 'function' ? x.dataSync() : (x as ArrayLike<number>);
}

function shapeOf(x: Numbers): readonly number[] | undefined {
  return 'dataSync' in x && Array.isArray((x as { shape?: unknown }).shape) ? (x as { shape: readonly number[] }).shape : undefined;
}

function limits(tol: Tolerance): { abs: number; rel: number } {
  if (typeof tol === 'number') return { abs: tol, rel: tol };
  return { abs: tol.abs ?? 0, rel: tol.rel ?? 0 };
}

/**
 * Expect `actual` to equal `expected` elementwise within `tol` (see {@link Tolerance}); tensors must also
 * agree in shape. NaN matches only NaN and an infinity only the same infinity. On a mismatch it throws an
 * error naming the first mismatching index, both values, how many elements are off and the worst one.
 *
 * @example
 * ```ts
 * expectClose(model.forward(x), reference, 1e-5);
 * expectClose([1.0001, 2], [1, 2], { abs: 1e-3 }, 'weights');
 * ```
 */
export function expectClose(actual: Numbers, expected: Numbers, tol: Tolerance = 1e-5, label = ''): void {
  const where = label ? `${label}: ` : '';
  const shapeA = shapeOf(actual);
  const shapeE = shapeOf(expected);
  if (shapeA && shapeE && (shapeA.length !== shapeE.length || shapeA.some((d, i) => d !== shapeE[i]))) {
    throw new Error(`${where}shape [${shapeA.join(', ')}] differs from the expected [${shapeE.join(', ')}]`);
  }
  const a = values(actual);
  const e = values(expected);
  if (a.length !== e.length) throw new Error(`${where}${a.length} values, expected ${e.length}`);
  const { abs, rel } = limits(tol);
  let first = -1;
  let worst = -1;
  let worstErr = 0;
  let off = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = e[i]!;
    if (Object.is(x, y) || (Number.isNaN(x) && Number.isNaN(y))) continue;
    const err = Math.abs(x - y);
    // Unequal non-finite values never pass (a relative tolerance of an infinity would admit anything).
    if (Number.isFinite(x) && Number.isFinite(y) && err <= Math.max(abs, rel * Math.abs(y))) continue;
    off++;
    if (first < 0) first = i;
    if (!(err <= worstErr)) {
      worstErr = err;
      worst = i;
    }
  }
  if (first >= 0) {
    throw new Error(
      `${where}${off} of ${a.length} values differ beyond abs ${abs} / rel ${rel}; first at index ${first}: ${a[first]} vs expected ${e[first]}` +
        `; worst at index ${worst}: ${a[worst]} vs ${e[worst]} (|diff| ${worstErr})`,
    );
  }
}
