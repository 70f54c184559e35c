// Module hooks for running a worker thread's TypeScript source (tests run packages from src/): `.ts`
// files are transpiled, a `./x.js` import from a `.ts` file finds `./x.ts`, and workspace packages
// resolve to their sources as under vitest. Built packages never load this: their workers are
// compiled `.js` files. The transpiler is the test runner's own (rolldown's, under vitest: loads in
// ~0.1 s), else the workspace's TypeScript (~2-4 s to load, too slow for a worker the caller waits on).
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const transpile = await import('rolldown/utils').then(
  (m) => (fileName, code) => {
    const out = m.transformSync(fileName, code);
    if (out.errors.length) throw new Error(`${fileName}: ${out.errors.map((e) => e.message).join('; ')}`);
    return out.code;
  },
  async () => {
    const ts = (await import('typescript')).default;
    return (fileName, code) => ts.transpileModule(code, { fileName, compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
  },
);

const SOURCE_CONDITION = '@spikeflow/source';

export async function resolve(specifier, context, next) {
  const ctx = { ...context, conditions: [...context.conditions, SOURCE_CONDITION] };
  try {
    return await next(specifier, ctx);
  } catch (e) {
    if (specifier.startsWith('.') && specifier.endsWith('.js') && context.parentURL?.endsWith('.ts')) return next(`${specifier.slice(0, -3)}.ts`, ctx);
    throw e;
  }
}

export async function load(url, context, next) {
  if (!url.startsWith('file:') || !url.endsWith('.ts')) return next(url, context);
  const fileName = fileURLToPath(url);
  return { format: 'module', source: transpile(fileName, await readFile(fileName, 'utf8')), shortCircuit: true };
}
