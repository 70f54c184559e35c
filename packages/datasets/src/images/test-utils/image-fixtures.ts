// Test fixtures of the image datasets: small image folders written with sharp, a few hundred real
// CIFAR-10 JPEGs taken from the shared archive, and PIL's decoding of files as the reference.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

/** The shared CIFAR-10 JPEG archive (`../shared/data/cifar10-jpeg` beside the repository, or `$SPIKEFLOW_CIFAR10_JPEG_DIR`). */
export const CIFAR10_JPEG_DIR = process.env.SPIKEFLOW_CIFAR10_JPEG_DIR ?? fileURLToPath(new URL('../../../../../../shared/data/cifar10-jpeg', import.meta.url));
export const CIFAR10_JPEG_ARCHIVE = join(CIFAR10_JPEG_DIR, 'cifar10-images.tar.gz');

/** Why the real-image tests cannot run here, or undefined when they can. */
export function realImagesMissing(): string | undefined {
  if (!existsSync(CIFAR10_JPEG_ARCHIVE)) return `${CIFAR10_JPEG_ARCHIVE} is absent (the shared data folder ../shared is not beside the repository; set SPIKEFLOW_CIFAR10_JPEG_DIR)`;
  if (spawnSync('tar', ['--version']).status !== 0) return 'the tar command is not installed';
  return undefined;
}

/**
 * Extract the first `perClass` images of each class of both splits (`000k.jpg`, k < perClass ≤ 10)
 * into `dest/cifar10-images/`, with the system's tar (our own extractor would unpack all 60,000).
 */
export function extractCifarSubset(dest: string, perClass: number): string {
  const names = ['train', 'test'].map((s) => `cifar10-images/${s}/*/000[0-${perClass - 1}].jpg`);
  execFileSync('tar', ['-xzf', CIFAR10_JPEG_ARCHIVE, '-C', dest, '--wildcards', ...names]);
  return join(dest, 'cifar10-images');
}

/** Pack `dir/<folder>` as the gzip-compressed tar `file`. */
export function packTarGz(file: string, dir: string, folder: string): void {
  execFileSync('tar', ['-czf', file, '-C', dir, folder]);
}

/** An image for {@link writePng}: `channels` interleaved bytes per pixel, row by row. */
export interface TestImage {
  readonly height: number;
  readonly width: number;
  readonly channels: 1 | 2 | 3 | 4;
  readonly data: Uint8Array;
}

/** A test image whose byte at (y, x, c) is `(seed + 7y + 3x + 50c) mod 256`. */
export function patternImage(height: number, width: number, channels: TestImage['channels'], seed: number): TestImage {
  const data = new Uint8Array(height * width * channels);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) for (let c = 0; c < channels; c++) data[(y * width + x) * channels + c] = (seed + 7 * y + 3 * x + 50 * c) % 256;
  return { height, width, channels, data };
}

/** Write `image` as a (lossless) PNG, creating folders. */
export async function writePng(file: string, image: TestImage): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await sharp(Buffer.from(image.data), { raw: { width: image.width, height: image.height, channels: image.channels } })
    .png()
    .toFile(file);
}

/** The RGB bytes torchvision would see: grey repeated, alpha dropped. */
export function expectedRgb(image: TestImage): Uint8Array {
  const out = new Uint8Array(image.height * image.width * 3);
  const C = image.channels;
  for (let p = 0; p < image.height * image.width; p++) {
    for (let c = 0; c < 3; c++) out[3 * p + c] = image.data[p * C + (C < 3 ? 0 : c)]!;
  }
  return out;
}

/** Write a file that is not an image but ends like one. */
export async function writeCorrupt(file: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, Buffer.from('\xff\xd8\xff\xe0 not really a JPEG', 'latin1'));
}

const PYTHON = '/usr/bin/python3';
const PIL_SCRIPT = `
import sys
from PIL import Image
for f in sys.argv[1:]:
    sys.stdout.buffer.write(Image.open(f).convert('RGB').tobytes())
`;

/** True when `/usr/bin/python3` has PIL (Pillow), the reference decoder of torchvision. */
export function havePil(): boolean {
  return existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import PIL']).status === 0;
}

/** PIL's `Image.open(f).convert('RGB')` bytes of each file, concatenated. */
export function pilRgb(files: readonly string[]): Uint8Array {
  return new Uint8Array(execFileSync(PYTHON, ['-c', PIL_SCRIPT, ...files], { maxBuffer: 1 << 28 }));
}
