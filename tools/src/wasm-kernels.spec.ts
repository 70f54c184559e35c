// The compiled WebAssembly kernels are committed (users need no C toolchain). This checks that each
// committed .wasm is exactly what its C source compiles to, and that it owns no memory (no data
// segments, no shadow-stack use), since it runs inside the tfjs wasm backend's heap.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
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

  it("index the 4 GiB heap with size_t: a source using 'long' (signed 32-bit on wasm32) is rejected at its line", async () => {
    const { sources, checkSource } = (await import(script)) as { sources(): Array<{ src: string }>; checkSource(src: string): void };
    for (const { src } of sources()) checkSource(src);
    const dir = mkdtempSync(join(tmpdir(), 'sf-wasm-src-'));
    const bad = join(dir, 'bad.c');
    writeFileSync(bad, '/* a\n   b */\n// long in a comment is fine\nvoid f(float* x, int n) {\n  for (long i = 0; i < n; i++) x[i] = 0;\n}\n');
    expect(() => checkSource(bad)).toThrow(/bad\.c:5: 'long' is 32-bit signed on wasm32/);
    const good = join(dir, 'good.c');
    writeFileSync(good, '// a long comment\nvoid f(float* x, unsigned long_count);\n');
    expect(() => checkSource(good)).not.toThrow();
  });

  it.skipIf(!hasClang)('are up to date with their C sources (clang + lld installed)', () => {
    const out = execFileSync('node', [script, '--check'], { encoding: 'utf8' });
    expect(out).not.toMatch(/STALE/);
  });
});
if (!hasClang) console.warn('wasm-kernels.spec: clang/wasm-ld not installed (apt-get install clang lld): the freshness check is skipped');
