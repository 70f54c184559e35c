// The compiled WebAssembly kernels are committed (users need no C toolchain). This checks that each
// committed .wasm is exactly what its C source compiles to, and that it owns no memory (no data
// segments, no shadow-stack use), since it runs inside the tfjs wasm backend's heap; and that the
// C header and TypeScript enums generated from each code table are what the table says.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
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

  it('share their numeric codes with TypeScript through generated files that match the tables', async () => {
    const { codeTables, generateCodes } = (await import(script)) as { codeTables(): string[]; generateCodes(check: boolean): string[] };
    expect(codeTables().length).toBeGreaterThanOrEqual(1);
    expect(generateCodes(true)).toEqual([]);
  });

  it('generate a C enum and a TypeScript enum with the same names and values as the table', async () => {
    const { renderCodes } = (await import(script)) as { renderCodes(path: string): { header: { text: string }; typescript: { text: string } } };
    const table = join(root, 'packages', 'neurons', 'csrc', 'neuron-codes.json');
    const { enums } = JSON.parse(readFileSync(table, 'utf8')) as { enums: Record<string, { prefix: string; values: Array<{ name: string; value: number }> }> };
    const { header, typescript } = renderCodes(table);
    // The generated module itself (a file of the tree, not the package's API), by path.
    const codes = (await import(pathToFileURL(join(root, 'packages', 'neurons', 'src', 'fused', 'kernels', 'neuron-codes.ts')).href)) as Record<string, Record<string, number>>;
    for (const [name, e] of Object.entries(enums)) {
      for (const v of e.values) {
        expect(codes[name][v.name], `${name}.${v.name}`).toBe(v.value);
        expect(typescript.text).toContain(`  ${v.name} = ${v.value},`);
        const cName = e.prefix + v.name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
        expect(header.text).toMatch(new RegExp(`^  ${cName} = ${v.value},`, 'm'));
      }
    }
  });

  it('refuse a code table that repeats a value, naming the enum and entry', async () => {
    const { renderCodes } = (await import(script)) as { renderCodes(path: string): unknown };
    const dir = mkdtempSync(join(tmpdir(), 'sf-codes-'));
    const bad = join(dir, 'x-codes.json');
    writeFileSync(
      bad,
      JSON.stringify({
        header: 'x.h',
        typescript: 'x.ts',
        enums: {
          Mode: {
            prefix: 'MODE_',
            values: [
              { name: 'A', value: 0, doc: '' },
              { name: 'B', value: 0, doc: '' },
            ],
          },
        },
      }),
    );
    expect(() => renderCodes(bad)).toThrow(/Mode: 'B' = 0 repeats a name or value/);
  });

  it.skipIf(!hasClang)('are up to date with their C sources (clang + lld installed)', () => {
    const out = execFileSync('node', [script, '--check'], { encoding: 'utf8' });
    expect(out).not.toMatch(/STALE/);
  });
});
if (!hasClang) console.warn('wasm-kernels.spec: clang/wasm-ld not installed (apt-get install clang lld): the freshness check is skipped');
