#!/usr/bin/env node
// Every workspace package declares what its files import: library code in dependencies or
// peerDependencies, specs, test helpers and vitest configs also in devDependencies (or the workspace
// root's devDependencies, which hold the shared tooling: vitest, typescript). A private package is never
// installed by users, so all of its files count as test files. Run by `npm run lint`.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const SOURCE = /\.(ts|mts|js|mjs)$/;
const TEST_FILE = /(\.spec\.ts$|(^|\/)test-utils\/|(^|\/)vitest\.[\w-]+\.ts$)/;
// Library files loaded only when a package runs from its sources (tests), never from dist: they may use
// devDependencies like test files do.
const SOURCE_MODE_ONLY = new Set(['packages/core/src/engine/worker-source-hooks.mjs']);
const SKIP_DIRS = new Set(['node_modules', 'dist', 'dist-test', 'fixtures', 'wasm']);

/** The package an import specifier names (`@scope/name/x` → `@scope/name`), or undefined for relative and built-in ones. */
export function packageOf(specifier) {
  if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('node:')) return undefined;
  const parts = specifier.split('/');
  const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
  return builtinModules.includes(name) ? undefined : name;
}

function filesUnder(dir, rel = '') {
  let out = [];
  for (const entry of readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${entry.name}` : entry.name;
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name)) out = out.concat(filesUnder(dir, r));
    } else if (SOURCE.test(entry.name) && !entry.name.endsWith('.d.ts')) out.push(r);
  }
  return out;
}

/**
 * Problems of one package folder: `{ file, specifier, problem }` for each import its package.json does not
 * declare where that kind of file may take it from. `rootDevDependencies` are allowed in test files only.
 */
export function checkPackage(dir, rootDevDependencies = {}) {
  const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
  const runtime = new Set([...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.peerDependencies ?? {}), ...Object.keys(pkg.optionalDependencies ?? {})]);
  const dev = new Set([...runtime, ...Object.keys(pkg.devDependencies ?? {}), ...Object.keys(rootDevDependencies)]);
  const problems = [];
  const files = filesUnder(dir)
    .filter((f) => f.startsWith('src/') || f.startsWith('bin/') || f.startsWith('scripts/') || !f.includes('/'))
    .sort();
  const workspaceDir = path.basename(path.dirname(dir)) + '/' + path.basename(dir);
  for (const file of files) {
    const test = pkg.private === true || TEST_FILE.test(file) || SOURCE_MODE_ONLY.has(`${workspaceDir}/${file}`);
    // preProcessFile reads real imports only: not those in comments or in generated code inside strings.
    const { importedFiles } = ts.preProcessFile(readFileSync(path.join(dir, file), 'utf8'), true, true);
    for (const { fileName } of importedFiles) {
      const name = packageOf(fileName);
      if (name === undefined || name === pkg.name) continue;
      if (!(test ? dev : runtime).has(name)) {
        const where = test ? 'dependencies, devDependencies or peerDependencies' : 'dependencies or peerDependencies';
        problems.push({ file, specifier: fileName, problem: `imports '${name}', which ${pkg.name}'s package.json does not list in ${where}` });
      }
    }
  }
  return problems;
}

/** The workspace package folders named by the root package.json's `workspaces` globs (`dir/*` or `dir`). */
export function workspaceDirs(root) {
  const { workspaces = [] } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
  return workspaces.flatMap((w) => {
    const base = path.join(root, w.replace(/\/\*$/, ''));
    const dirs = w.endsWith('/*') ? readdirSync(base).map((d) => path.join(base, d)) : [base];
    return dirs.filter((d) => statSync(d).isDirectory() && safeExists(path.join(d, 'package.json')));
  });
}

function safeExists(file) {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
  const rootDev = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).devDependencies ?? {};
  let count = 0;
  for (const dir of workspaceDirs(root)) {
    for (const p of checkPackage(dir, rootDev)) {
      count++;
      console.error(`${path.relative(root, path.join(dir, p.file))}: ${p.problem}`);
    }
  }
  if (count > 0) {
    console.error(`${count} undeclared import(s): add each package to the package.json of the package that imports it`);
    process.exit(1);
  }
  console.log('every package declares what it imports');
}
