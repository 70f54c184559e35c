#!/usr/bin/env node
// Compile spikeflow's WebAssembly SIMD kernels (C sources in packages/*/csrc/) with clang.
//
//   node tools/wasm/build-wasm.mjs          # rebuild every packages/<pkg>/wasm/<name>.wasm
//   node tools/wasm/build-wasm.mjs --check  # exit 1 when a committed .wasm differs from a fresh build
//
// The compiled modules are committed (users and CI need no C toolchain); this script needs Debian's
// `clang` and `lld` (wasm-ld). The kernels import the tfjs wasm backend's memory and must own none
// of it: no data segments and no use of the shadow stack (__stack_pointer), which would write at an
// address tfjs owns. Both are checked on every build (with wasm-objdump from Debian's `wabt`).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync, renameSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const FLAGS = ['--target=wasm32', '-O3', '-msimd128', '-ffp-contract=off', '-fno-builtin', '-nostdlib', '-std=c11', '-Wall', '-Werror',
  '-Wl,--no-entry', '-Wl,--import-memory', '-Wl,--strip-all', '-Wl,-z,stack-size=0'];

export function sources() {
  const out = [];
  for (const pkg of readdirSync(join(root, 'packages'))) {
    const csrc = join(root, 'packages', pkg, 'csrc');
    if (!existsSync(csrc)) continue;
    for (const f of readdirSync(csrc)) if (f.endsWith('.c')) out.push({ src: join(csrc, f), out: join(root, 'packages', pkg, 'wasm', basename(f, '.c') + '.wasm') });
  }
  return out;
}

function has(cmd) {
  try { execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }); return true; } catch { return false; }
}

/**
 * Reject C that indexes the heap with `long`: on wasm32 it is a signed 32-bit type, so byte offsets
 * and element counts past 2^31 (the heap reaches 4 GiB) overflow. Sizes and offsets are size_t.
 */
export function checkSource(src) {
  const code = readFileSync(src, 'utf8').replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, '')).replace(/\/\/.*$/gm, '');
  const line = code.split('\n').findIndex((l) => /\blong\b/.test(l));
  if (line >= 0) throw new Error(`${src}:${line + 1}: 'long' is 32-bit signed on wasm32; use size_t for sizes and offsets into the 4 GiB heap`);
}

export function compile(src, out) {
  checkSource(src);
  execFileSync('clang', [...FLAGS, '-o', out, src], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (has('wasm-objdump')) {
    const dis = execFileSync('wasm-objdump', ['-d', out], { encoding: 'utf8', maxBuffer: 1 << 26 });
    if (/global\.(get|set) 0\b/.test(dis)) throw new Error(`${src}: a kernel uses the shadow stack (__stack_pointer); keep locals out of memory`);
    const sections = execFileSync('wasm-objdump', ['-h', out], { encoding: 'utf8' });
    if (/\bData\b/.test(sections)) throw new Error(`${src}: the module has data segments; it must own no memory`);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const check = process.argv.includes('--check');
  if (!has('clang')) { console.error('build-wasm: clang is not installed (apt-get install clang lld)'); process.exit(check ? 0 : 1); }
  let stale = 0;
  for (const { src, out } of sources()) {
    const tmp = mkdtempSync(join(tmpdir(), 'spikeflow-wasm-'));
    const fresh = join(tmp, basename(out));
    compile(src, fresh);
    const bytes = readFileSync(fresh);
    if (check) {
      const same = existsSync(out) && Buffer.compare(readFileSync(out), bytes) === 0;
      console.log(`${same ? 'up to date' : 'STALE'}  ${out.slice(root.length + 1)}`);
      if (!same) stale++;
    } else {
      mkdirSync(dirname(out), { recursive: true });
      writeFileSync(out + '.tmp', bytes);
      renameSync(out + '.tmp', out);
      console.log(`built ${out.slice(root.length + 1)} (${bytes.length} bytes)`);
    }
    rmSync(tmp, { recursive: true, force: true });
  }
  if (stale) process.exit(1);
}
