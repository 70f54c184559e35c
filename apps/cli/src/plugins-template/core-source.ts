import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { SpikeflowError } from '@spikeflow/core';

/** Where a generated plugin's devDependency `@spikeflow/core` comes from. */
export interface CoreSource {
  /** The package.json dependency spec: `file:<folder or tarball>`, or undefined for the registry range. */
  readonly spec: string | undefined;
  /** `option` (--core), `workspace` (this CLI runs from a spikeflow checkout) or `registry`. */
  readonly from: 'option' | 'workspace' | 'registry';
}

/**
 * Choose where a new plugin gets `@spikeflow/core` for development. While core is not on npm, a
 * registry range fails with E404, so: `core` (a built `packages/core` folder or an `npm pack` tarball)
 * gives a `file:` spec; without it, a CLI running from a spikeflow checkout (its core is a workspace
 * link, not a folder under node_modules) links that checkout's core; otherwise the registry range.
 *
 * @example
 * ```ts
 * resolveCoreSource({ core: '../spikeflow/spikeflow-core-0.1.0.tgz' }); // { spec: 'file:/abs/...tgz', from: 'option' }
 * ```
 */
export function resolveCoreSource(options: { core?: string; cwd?: string } = {}): CoreSource {
  if (options.core !== undefined) return { spec: `file:${checkCore(path.resolve(options.cwd ?? process.cwd(), options.core), options.core)}`, from: 'option' };
  const own = ownCoreDir();
  if (own && !own.split(path.sep).includes('node_modules')) return { spec: `file:${own}`, from: 'workspace' };
  return { spec: undefined, from: 'registry' };
}

function checkCore(abs: string, given: string): string {
  const expected = 'expected a built @spikeflow/core folder (packages/core of a spikeflow checkout) or a tarball made by npm pack (.tgz)';
  if (!existsSync(abs)) throw new SpikeflowError('invalid-options', `--core ${given}: no such file or folder (${abs}); ${expected}`);
  if (statSync(abs).isFile()) {
    if (!abs.endsWith('.tgz')) throw new SpikeflowError('invalid-options', `--core ${given}: a file that is not a .tgz tarball; ${expected}`);
    return abs;
  }
  const pj = path.join(abs, 'package.json');
  const name = existsSync(pj) ? (JSON.parse(readFileSync(pj, 'utf8')) as { name?: unknown }).name : undefined;
  if (name !== '@spikeflow/core')
    throw new SpikeflowError('invalid-options', `--core ${given}: the folder holds ${name ? `'${String(name)}'` : 'no package.json'}, not @spikeflow/core; ${expected}`);
  if (!existsSync(path.join(abs, 'dist', 'index.js')))
    throw new SpikeflowError('invalid-options', `--core ${given}: @spikeflow/core is not built (no dist/index.js); run npm run build in the checkout first`);
  return abs;
}

/** The real folder of the @spikeflow/core this CLI runs with, or undefined if it cannot be found. */
function ownCoreDir(): string | undefined {
  try {
    return path.dirname(realpathSync(createRequire(import.meta.url).resolve('@spikeflow/core/package.json')));
  } catch {
    return undefined;
  }
}
