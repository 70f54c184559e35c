import { SpikeflowError } from '@spikeflow/core';

/**
 * Packages the CLI uses only for some commands. They are optional peer dependencies: `npm i spikeflow`
 * does not install them, and a command that needs a missing one says which package to install.
 */
export const OPTIONAL_PACKAGES = ['@spikeflow/chips-loihi', '@spikeflow/chips-spinnaker', '@spikeflow/distributed', '@spikeflow/report'] as const;
export type OptionalPackage = (typeof OPTIONAL_PACKAGES)[number];

/** True when `error` is Node's failure to find `pkg` itself (not a missing file inside an installed package). */
export function isMissingPackage(error: unknown, pkg: string): boolean {
  const e = error as { code?: unknown; message?: unknown } | null;
  return e?.code === 'ERR_MODULE_NOT_FOUND' && typeof e.message === 'string' && e.message.includes(`'${pkg}'`);
}

/**
 * Run `load` (a dynamic import of code that imports `pkg`); if `pkg` is not installed, throw a typed
 * `not-supported` error naming what needs it and the install command.
 *
 * @example
 * ```ts
 * const { runLoihiExport } = await importOptional('@spikeflow/chips-loihi', () => import('./loihi-run.js'), 'spikeflow export --target loihi');
 * ```
 */
export async function importOptional<T>(pkg: OptionalPackage, load: () => Promise<T>, purpose: string): Promise<T> {
  try {
    return await load();
  } catch (e) {
    if (isMissingPackage(e, pkg)) {
      throw new SpikeflowError('not-supported', `${purpose} needs ${pkg}, which is not installed; install it next to spikeflow: npm install ${pkg}`, { package: pkg });
    }
    throw e;
  }
}
