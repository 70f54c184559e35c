import { SpikeflowError } from '@spikeflow/core';
import type { SharpLike } from './decode-image.js';

/**
 * Import sharp, the optional peer dependency that decodes images (its output is pixel-identical
 * to PIL's, so to torchvision's loader).
 *
 * `importModule` stands in for `import()` (tests give one that fails).
 *
 * @throws SpikeflowError `not-supported` saying to `npm install sharp` when it is not installed.
 */
export async function loadSharp(importModule: (name: string) => Promise<unknown> = (name) => import(name)): Promise<SharpLike> {
  try {
    // A variable specifier keeps bundlers and tsc from requiring the optional peer.
    const mod = (await importModule('sharp')) as { default: SharpLike };
    return mod.default;
  } catch (e) {
    throw new SpikeflowError(
      'not-supported',
      `decoding images needs the optional dependency sharp, which is not installed or does not load on this platform (${(e as Error).message}); run \`npm install sharp\``,
      { dependency: 'sharp' },
      { cause: e },
    );
  }
}
