// Ship the PyTorch peers of `spikeflow bench` (benchmarks/peers/*.py) inside the CLI package as dist/peers.
import { copyFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const src = join(here, '..', '..', '..', 'benchmarks', 'peers');
const dst = join(here, '..', 'dist', 'peers');
if (!existsSync(src)) {
  console.error(`copy-peers: ${src} not found`);
  process.exit(1);
}
mkdirSync(dst, { recursive: true });
for (const f of readdirSync(src)) if (f.endsWith('.py')) copyFileSync(join(src, f), join(dst, f));
