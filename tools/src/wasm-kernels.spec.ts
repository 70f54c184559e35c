// The compiled WebAssembly kernels are committed (users need no C toolchain). This checks that each
// committed .wasm is exactly what its C source compiles to, and that it owns no memory (no data
// segments, no shadow-stack use), since it runs inside the tfjs wasm backend's heap.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const script = join(root, 'tools', 'wasm', 'build-wasm.mjs');
const hasClang = (() => {
  try {
    execFileSync('sh', ['-c', 'command -v clang && command -v wasm-ld'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe('committed wasm kernels', () => {
  it('exist for every C source', async () => {
    const { sources } = (await import(script)) as { sources(): Array<{ src: string; out: string }> };
    const list = sources();
    expect(list.length).toBeGreaterThanOrEqual(2);
    for (const { out } of list) expect(existsSync(out), out).toBe(true);
  });

  it.skipIf(!hasClang)('are up to date with their C sources (clang + lld installed)', () => {
    const out = execFileSync('node', [script, '--check'], { encoding: 'utf8' });
    expect(out).not.toMatch(/STALE/);
  });
});
if (!hasClang) console.warn('wasm-kernels.spec: clang/wasm-ld not installed (apt-get install clang lld): the freshness check is skipped');
