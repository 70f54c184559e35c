import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '@spikeflow/testing';
// @ts-expect-error: a plain node script without type declarations
import { checkPackage, packageOf, workspaceDirs } from '../scripts/check-package-imports.mjs';

interface Problem {
  file: string;
  specifier: string;
  problem: string;
}

function writePackage(dir: string, pkg: Record<string, unknown>, files: Record<string, string>): string {
  for (const [name, text] of Object.entries({ 'package.json': JSON.stringify(pkg), ...files })) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

describe('check-package-imports', () => {
  it('names the package of a specifier, and none for relative and built-in ones', () => {
    expect(packageOf('@spikeflow/core/errors')).toBe('@spikeflow/core');
    expect(packageOf('zod/v4')).toBe('zod');
    expect(packageOf('./x.js')).toBeUndefined();
    expect(packageOf('node:fs')).toBeUndefined();
    expect(packageOf('fs')).toBeUndefined();
  });

  it('refuses library code importing a devDependency or an undeclared package, and allows specs their devDependencies', () => {
    const dir = writePackage(
      tempDir('spikeflow-imports-'),
      { name: '@me/plugin', peerDependencies: { '@spikeflow/core': '^0.1.0' }, devDependencies: { '@spikeflow/models': '0.1.0' } },
      {
        'src/plugin.ts': "import { x } from '@spikeflow/core';\nimport { m } from '@spikeflow/models';\nimport { y } from './y.js';\nimport * as fs from 'node:fs';\n",
        'src/plugin.spec.ts': "import { m } from '@spikeflow/models';\nimport { n } from '@spikeflow/neurons';\nimport { describe } from 'vitest';\n",
        // Imports in comments and in generated code inside strings are not the package's own.
        'src/template.ts': "// import { a } from 'left-pad';\nexport const text = `import { b } from 'right-pad';`;\n",
      },
    );
    const problems: Problem[] = checkPackage(dir, { vitest: '~4.1.12' });
    expect(problems.map((p) => `${p.file} ${p.specifier}`)).toEqual(['src/plugin.spec.ts @spikeflow/neurons', 'src/plugin.ts @spikeflow/models']);
    expect(problems[0]!.problem).toMatch(/does not list in dependencies, devDependencies or peerDependencies/);
    expect(problems[1]!.problem).toBe("imports '@spikeflow/models', which @me/plugin's package.json does not list in dependencies or peerDependencies");
  });

  it('lets every file of a private package (never installed by users) use its devDependencies', () => {
    const files = { 'src/tool.ts': "import { x } from '@spikeflow/core';\n" };
    const dev = { devDependencies: { '@spikeflow/core': '0.1.0' } };
    expect(checkPackage(writePackage(tempDir(), { name: 'p', private: true, ...dev }, files))).toEqual([]);
    expect(checkPackage(writePackage(tempDir(), { name: 'q', ...dev }, files))).toHaveLength(1);
  });

  it('finds the workspace packages from the root package.json (lint runs the check over all of them)', () => {
    const root = path.resolve(import.meta.dirname, '../..');
    const dirs: string[] = workspaceDirs(root);
    expect(dirs.map((d) => path.relative(root, d))).toEqual(expect.arrayContaining(['packages/core', 'packages/testing', 'apps/cli', 'tools', 'examples']));
    expect(dirs.every((d) => existsSync(path.join(d, 'package.json')))).toBe(true);
  });
});
