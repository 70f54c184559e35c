import { tmpdir } from 'node:os';
import { afterAll, beforeAll } from 'vitest';

/**
 * Run the calling spec file's tests from the system temp folder, a folder without node_modules: the
 * CLI also loads the plugin packages it discovers from the working directory upwards, and these
 * specs exercise the built-in ones only. Call it at the top of the spec file.
 */
export function runFromBareFolder(): void {
  const cwd = process.cwd();
  beforeAll(() => process.chdir(tmpdir()));
  afterAll(() => process.chdir(cwd));
}
