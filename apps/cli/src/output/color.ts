/** A stream as far as colour decisions go (process.stdout/stderr or a test double). */
export interface ColorTarget {
  readonly isTTY?: boolean;
}

/** Process-wide override from `--no-color` (set by `main` before commands run). */
let override: boolean | undefined;

/** Force colour on or off for this process (`--no-color` sets false); `undefined` restores detection. */
export function setColorOverride(value: boolean | undefined): void {
  override = value;
}

/**
 * Whether to colour output written to `stream`, in the order users expect from npm, git and
 * chalk: `--no-color`, then NO_COLOR (any non-empty value), then FORCE_COLOR (`0`/`false` turn it
 * off, anything else on), then "is it a terminal that is not `dumb`".
 *
 * @example
 * ```ts
 * colorEnabled(process.stderr); // false when stderr is piped to a file
 * colorEnabled({ isTTY: false }, { FORCE_COLOR: '1' }); // true
 * ```
 */
export function colorEnabled(stream: ColorTarget, env: NodeJS.ProcessEnv = process.env, flag: boolean | undefined = override): boolean {
  if (flag !== undefined) return flag;
  if (env.NO_COLOR) return false;
  if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  return stream.isTTY === true && env.TERM !== 'dumb';
}

/** ANSI styling functions; identity functions when colour is off. */
export interface Style {
  readonly enabled: boolean;
  readonly red: (s: string) => string;
  readonly yellow: (s: string) => string;
  readonly green: (s: string) => string;
  readonly cyan: (s: string) => string;
  readonly dim: (s: string) => string;
  readonly bold: (s: string) => string;
}

const sgr = (open: number, close: number) => (s: string) => `\x1b[${open}m${s}\x1b[${close}m`;
const plain = (s: string) => s;

/**
 * Styling functions for one stream.
 *
 * @example
 * ```ts
 * const c = styleFor(process.stderr);
 * process.stderr.write(`${c.red('error')}: bad input\n`);
 * ```
 */
export function styleFor(stream: ColorTarget, env: NodeJS.ProcessEnv = process.env): Style {
  return createStyle(colorEnabled(stream, env));
}

/** Styling functions with colour explicitly on or off. */
export function createStyle(enabled: boolean): Style {
  if (!enabled) return { enabled, red: plain, yellow: plain, green: plain, cyan: plain, dim: plain, bold: plain };
  return { enabled, red: sgr(31, 39), yellow: sgr(33, 39), green: sgr(32, 39), cyan: sgr(36, 39), dim: sgr(2, 22), bold: sgr(1, 22) };
}
