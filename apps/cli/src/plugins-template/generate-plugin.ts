import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { CORE_VERSION, SpikeflowError } from '@spikeflow/core';
import type { KindTemplate } from './kind-template.js';
import { architectureTemplate } from './kinds/architecture.js';
import { chipTemplate } from './kinds/chip.js';
import { datasetTemplate } from './kinds/dataset.js';
import { neuronTemplate } from './kinds/neuron.js';
import { surrogateTemplate } from './kinds/surrogate.js';
import { taskTemplate } from './kinds/task.js';

/** The kinds of plugin `spikeflow plugins new` can start. */
export const PLUGIN_KINDS = ['neuron', 'surrogate', 'architecture', 'dataset', 'chip', 'task'] as const;
export type PluginKind = (typeof PLUGIN_KINDS)[number];

const TEMPLATES: Record<PluginKind, KindTemplate> = {
  neuron: neuronTemplate,
  surrogate: surrogateTemplate,
  architecture: architectureTemplate,
  dataset: datasetTemplate,
  chip: chipTemplate,
  task: taskTemplate,
};

/** Tool versions the generated package develops with (the ones spikeflow itself is tested with). */
const DEV_VERSIONS = { typescript: '~5.9.3', vitest: '~4.1.12', '@types/node': '^20.17.0', zod: '^4.1.0' } as const;

export interface GeneratePluginOptions {
  /** npm package name, e.g. `spikeflow-plugin-leaky` or `@me/spikeflow-leaky`. */
  readonly name: string;
  readonly kind: PluginKind;
  /** Folder to create (must not exist or be empty). */
  readonly dir: string;
  /** Namespace of the plugin's ids; default derived from the name (`spikeflow-plugin-leaky` gives `leaky`). */
  readonly namespace?: string;
  /** The `@spikeflow/core` peer range; default `^<this core's version>`. */
  readonly coreRange?: string;
  /**
   * Where devDependency `@spikeflow/core` comes from; default the same as the peer range. A `file:` spec
   * (a checkout's packages/core or a packed tarball, see {@link resolveCoreSource}) works while core is
   * not on npm.
   */
  readonly coreSpec?: string;
}

export interface GeneratedPlugin {
  readonly dir: string;
  readonly namespace: string;
  /** The example contribution's full id, e.g. `leaky/leaky`. */
  readonly id: string;
  readonly files: readonly string[];
}

const NAME = /^(?:@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*$/;
const ID = /^[a-z][a-z0-9]*(?:[-.][a-z0-9]+)*$/;

/** The default namespace for a package name: the unscoped name without a `spikeflow-plugin-`/`spikeflow-` prefix. */
export function namespaceFromName(name: string): string {
  const bare = name
    .replace(/^@[^/]+\//, '')
    .replace(/^spikeflow-(plugin-)?/, '')
    .replace(/-?spikeflow-?plugin$/, '');
  return (
    bare
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^[^a-z]+/, '')
      .replace(/-+$/, '') || 'plugin'
  );
}

function camel(ns: string): string {
  return ns.replace(/[-.]([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/**
 * Write a standalone plugin package: a working example contribution of the chosen kind, its vitest
 * spec (run through `createSpikeflow`), a README, and a package.json declaring the `spikeflow.plugin`
 * entry the CLI discovers, with `@spikeflow/core` as a peer dependency.
 *
 * @example
 * ```ts
 * const { id } = generatePlugin({ name: 'spikeflow-plugin-leaky', kind: 'neuron', dir: 'spikeflow-plugin-leaky' });
 * // cd spikeflow-plugin-leaky && npm install && npm test && npm run build
 * ```
 */
export function generatePlugin(options: GeneratePluginOptions): GeneratedPlugin {
  const { name, kind } = options;
  if (!NAME.test(name))
    throw new SpikeflowError(
      'invalid-options',
      `plugin package name '${name}' is not a valid npm name; expected lower case like 'spikeflow-plugin-leaky' or '@me/spikeflow-leaky'`,
    );
  const template = TEMPLATES[kind];
  if (!template) throw new SpikeflowError('invalid-options', `unknown plugin kind '${kind}'; expected one of ${PLUGIN_KINDS.join(', ')}`);
  const namespace = options.namespace ?? namespaceFromName(name);
  if (!ID.test(namespace)) throw new SpikeflowError('invalid-options', `plugin namespace '${namespace}' is invalid; expected kebab-case starting with a letter (e.g. 'leaky')`);
  if (['core', 'neurons', 'models', 'datasets', 'loihi', 'spinnaker'].includes(namespace)) {
    throw new SpikeflowError('invalid-options', `plugin namespace '${namespace}' belongs to a built-in spikeflow plugin; pick another with --namespace`);
  }
  const dir = path.resolve(options.dir);
  if (existsSync(dir) && readdirSync(dir).length > 0) throw new SpikeflowError('invalid-options', `target folder ${dir} exists and is not empty; expected a new or empty folder`);
  const factory = `${camel(namespace)}Plugin`;
  const coreRange = options.coreRange ?? `^${CORE_VERSION}`;
  const out = template({ namespace, factory, packageName: name });
  const fullId = `${namespace}/${out.id}`;

  const files: Record<string, string> = {
    'package.json': `${JSON.stringify(packageJson(name, kind, fullId, coreRange, options.coreSpec ?? coreRange, out.dependencies), null, 2)}\n`,
    'tsconfig.json': `${JSON.stringify(tsconfig, null, 2)}\n`,
    'tsconfig.build.json': `${JSON.stringify({ extends: './tsconfig.json', compilerOptions: { rootDir: 'src', outDir: 'dist' }, include: ['src/**/*.ts'], exclude: ['src/**/*.spec.ts'] }, null, 2)}\n`,
    'vitest.config.ts': "import { defineConfig } from 'vitest/config';\n\nexport default defineConfig({\n  test: { include: ['src/**/*.spec.ts'], testTimeout: 60_000 },\n});\n",
    '.gitignore': 'node_modules/\ndist/\n*.tgz\n',
    'src/plugin.ts': pluginTs(name, namespace, factory, kind, out.descriptorImport, { [out.contribution]: [out.descriptorName], ...out.moreContributions }),
    'src/index.ts': `export { ${factory} } from './plugin.js';\n${out.indexExports}\n`,
    'README.md': readme(name, kind, namespace, factory, fullId, coreRange, out.usage, options.coreSpec, out.readmeSection),
    ...out.files,
  };
  for (const [rel, text] of Object.entries(files)) {
    const file = path.join(dir, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
  }
  return { dir, namespace, id: fullId, files: Object.keys(files).sort() };
}

const tsconfig = {
  compilerOptions: {
    target: 'ES2022',
    lib: ['ES2023'],
    module: 'nodenext',
    moduleResolution: 'nodenext',
    strict: true,
    noImplicitOverride: true,
    experimentalDecorators: true,
    declaration: true,
    sourceMap: false,
    esModuleInterop: true,
    skipLibCheck: true,
    isolatedModules: true,
    verbatimModuleSyntax: true,
    types: ['node'],
  },
  include: ['src/**/*.ts'],
};

function packageJson(name: string, kind: PluginKind, fullId: string, coreRange: string, coreSpec: string, deps: Readonly<Record<string, string>> = {}): Record<string, unknown> {
  return {
    name,
    version: '0.1.0',
    description: `A spikeflow ${kind} plugin contributing ${fullId}.`,
    license: 'Apache-2.0',
    type: 'module',
    main: './dist/index.js',
    types: './dist/index.d.ts',
    exports: {
      '.': { types: './dist/index.d.ts', default: './dist/index.js' },
      './plugin': { types: './dist/plugin.d.ts', default: './dist/plugin.js' },
      './package.json': './package.json',
    },
    // The CLI imports this file's default export (a plugin factory) from every installed package that declares it.
    spikeflow: { plugin: './dist/plugin.js' },
    files: ['dist', 'README.md'],
    keywords: ['spikeflow', 'spikeflow-plugin', `spikeflow-${kind}`, 'spiking-neural-network'],
    engines: { node: '>=20.0.0' },
    scripts: {
      build: 'tsc -p tsconfig.build.json',
      typecheck: 'tsc -p tsconfig.json --noEmit',
      test: 'vitest run',
      prepack: 'npm run build',
    },
    peerDependencies: { '@spikeflow/core': coreRange },
    dependencies: { zod: DEV_VERSIONS.zod, ...deps },
    devDependencies: { '@spikeflow/core': coreSpec, '@types/node': DEV_VERSIONS['@types/node'], typescript: DEV_VERSIONS.typescript, vitest: DEV_VERSIONS.vitest },
  };
}

function pluginTs(
  name: string,
  namespace: string,
  factory: string,
  kind: PluginKind,
  descriptorImport: string,
  contributions: Readonly<Record<string, readonly string[] | undefined>>,
): string {
  const listed = Object.entries(contributions)
    .map(([list, names]) => `${list}: [${(names ?? []).join(', ')}]`)
    .join(', ');
  return `import { definePlugin, type Plugin } from '@spikeflow/core';
${descriptorImport}

/**
 * The ${name} plugin: its ${kind} ids live under the \`${namespace}\` namespace. The spikeflow CLI loads it
 * by itself once the package is installed (package.json \`"spikeflow": { "plugin": "./dist/plugin.js" }\`);
 * in code, pass it to createSpikeflow.
 *
 * @example
 * \`\`\`ts
 * import { createSpikeflow } from '@spikeflow/core';
 * import { ${factory} } from '${name}';
 * const sf = createSpikeflow({ plugins: [${factory}()] });
 * \`\`\`
 */
export function ${factory}(): Plugin {
  return definePlugin({ name: '${name}', version: '0.1.0', namespace: '${namespace}' }, { ${listed} });
}

export default ${factory};
`;
}

function readme(name: string, kind: PluginKind, namespace: string, factory: string, fullId: string, coreRange: string, usage: string, coreSpec?: string, section?: string): string {
  const local = coreSpec?.startsWith('file:')
    ? `\n\`@spikeflow/core\` is installed from \`${coreSpec.slice(5)}\` (a \`file:\` devDependency) while it is not on npm;\nonce it is, set it to \`${coreRange}\` (\`npm install -D @spikeflow/core@${coreRange}\`).\n`
    : '';
  return `# ${name}

A spikeflow ${kind} plugin (spiking neural networks in TypeScript; the \`spikeflow\` CLI and \`@spikeflow/core\`). It contributes \`${fullId}\`.

## Use

With the CLI, install it next to \`spikeflow\`; the CLI discovers it (see \`spikeflow plugins list\`):

\`\`\`sh
npm install spikeflow ${name}
npx ${usage}
\`\`\`

In code, pass the plugin explicitly:

\`\`\`ts
import { createSpikeflow } from '@spikeflow/core';
import { ${factory} } from '${name}';

const sf = createSpikeflow({ plugins: [${factory}()] });
\`\`\`
${section ? `\n${section.trimEnd()}\n` : ''}
## Develop

\`\`\`sh
npm install
npm test        # vitest: the example's spec, run through createSpikeflow
npm run build   # tsc to dist/ (also runs on npm pack / publish)
\`\`\`
${local}
- \`src/plugin.ts\` declares the plugin (\`name\`, \`version\`, \`namespace: '${namespace}'\`) and its contributions.
- Every contribution has a kebab-case \`id\` and a zod \`options\` schema; the CLI validates \`--*-opt\` flags and
  config files against it.
- \`@spikeflow/core\` is a peer dependency (\`${coreRange}\`): the CLI refuses to load the plugin with a core outside
  that range and says which versions clash. Keep \`meta.version\` in step with package.json.

See the plugin guide in the spikeflow repository (docs/plugins.md) for the full contract.
`;
}
