/** A parsed JSON line of the CLI's `--json` output; the specs read its fields by name, as JSON.parse gives them. */
export type JsonLine = any;

/**
 * The JSON lines a command printed on stdout, parsed, in order; other lines (a table, a bar) are
 * skipped.
 *
 * @example
 * ```ts
 * const [epoch, summary] = jsonLines((await runCli('train', ...flags, '--json')).stdout);
 * ```
 */
export function jsonLines(stdout: string): JsonLine[] {
  return stdout
    .trim()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l): JsonLine => JSON.parse(l));
}

/** The last JSON line a command printed on stdout: a result, a summary or an error. */
export function lastJson(stdout: string): JsonLine {
  const last = jsonLines(stdout).at(-1);
  if (last === undefined) throw new Error(`no JSON line on stdout:\n${stdout}`);
  return last;
}
