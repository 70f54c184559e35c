import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';

const CLI_ROOT = path.resolve(import.meta.dirname, '../..');

/** The CLI as a user's shell runs it: bin/spikeflow.js, which imports the built dist/. */
export const CLI_BIN = path.join(CLI_ROOT, 'bin', 'spikeflow.js');

/** The newest modification time of a non-spec TypeScript file under `dir`. */
function newestSource(dir: string): number {
  return Math.max(
    0,
    ...readdirSync(dir, { withFileTypes: true }).map((e) => {
      const p = path.join(dir, e.name);
      return e.isDirectory() ? newestSource(p) : e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts') ? statSync(p).mtimeMs : 0;
    }),
  );
}

/**
 * Build dist/ unless it is newer than every source file, for specs that run {@link CLI_BIN} in a child
 * process (type errors elsewhere do not stop tsc's emit). Throws when there is still no build.
 */
export function ensureBuiltCli(): void {
  const built = path.join(CLI_ROOT, 'dist', 'cli.js');
  if (!existsSync(built) || statSync(built).mtimeMs < newestSource(path.join(CLI_ROOT, 'src'))) {
    spawnSync(process.execPath, [path.join(CLI_ROOT, '../../node_modules/typescript/bin/tsc'), '-p', path.join(CLI_ROOT, 'tsconfig.build.json')], { stdio: 'ignore' });
  }
  if (!existsSync(built)) throw new Error(`no built CLI at ${built}: run npm run build in apps/cli`);
}
