import type { RunIO } from '../run/train-run.js';

/**
 * Human lines to stderr; with --json, machine-readable objects to stdout (one per line);
 * `--quiet` keeps stderr to errors only (and no progress bars).
 */
export function makeIO(opts: { json?: boolean; progress?: boolean; quiet?: boolean }): RunIO {
  return {
    log: (line) => process.stderr.write(`${line}\n`),
    json: opts.json ? (value) => process.stdout.write(`${JSON.stringify(value)}\n`) : undefined,
    forceProgress: opts.progress === true && opts.quiet !== true,
    quiet: opts.quiet === true,
  };
}
