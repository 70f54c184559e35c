import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { TestRunner, afterAll, onTestFinished } from 'vitest';

/**
 * A new empty folder under the system temp folder, removed when the current test ends (when called
 * inside a test or a `beforeEach` hook) or after the current file's or describe block's tests (when called
 * while collecting them, at the top of a file or a describe block). Inside a `beforeAll` hook nothing
 * would remove it: make it at the top of the describe block instead, or use `withTempDir`.
 *
 * @example
 * ```ts
 * const tmp = tempDir('spikeflow-report-'); // at the top of a spec file: removed after its tests
 * it('writes a run', () => {
 *   const run = tempDir(); // inside a test: removed when the test ends
 * });
 * ```
 */
export function tempDir(prefix = 'spikeflow-test-'): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  const remove = (): void => rmSync(dir, { recursive: true, force: true });
  if (TestRunner.getCurrentTest()) onTestFinished(remove);
  else afterAll(remove);
  return dir;
}
