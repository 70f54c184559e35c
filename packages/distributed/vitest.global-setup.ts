// Worker processes run compiled JavaScript: build src/test-utils (and what it imports) into dist-test once.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as path from 'node:path';

export default function setup(): void {
  const here = path.dirname(fileURLToPath(import.meta.url));
  execFileSync(process.execPath, [path.join(here, '../../node_modules/typescript/bin/tsc'), '-p', path.join(here, 'tsconfig.test-utils.json')], { stdio: 'inherit' });
}
