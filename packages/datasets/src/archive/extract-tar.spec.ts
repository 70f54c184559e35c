import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, lstatSync, readFileSync, readdirSync, readlinkSync, statSync } from 'node:fs';
import { link, mkdir, symlink, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { tempDir } from '@spikeflow/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { extractTar } from './extract-tar.js';
import { tarHeader, writeTar } from '../test-utils/tar-writer.js';
import { truncatedCopy } from '../test-utils/truncate-copy.js';

const hasTar = spawnSync('tar', ['--version']).status === 0;
if (!hasTar) console.warn('skipping the tests of extractTar on archives made by tar: the `tar` command is not installed');

/** Every path below `root` (sorted) with what it is: file bytes, link target, or a folder. */
function tree(root: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir).sort()) {
      const p = join(dir, e);
      const st = lstatSync(p);
      const rel = relative(root, p);
      if (st.isSymbolicLink()) out.set(rel, `link:${readlinkSync(p)}`);
      else if (st.isDirectory()) {
        out.set(rel, 'dir');
        walk(p);
      } else out.set(rel, `file:${st.mode & 0o777}:${readFileSync(p).toString('base64')}`);
    }
  };
  walk(root);
  return out;
}

function bytes(n: number, seed: number): Buffer {
  const b = Buffer.alloc(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    b[i] = s >>> 24;
  }
  return b;
}

describe('extractTar on archives made by GNU tar', () => {
  let dir: string;
  let src: string;
  const longName = `user01_${'fluorescent_led_'.repeat(8)}labels.csv`; // > 100 characters
  const deep = 'DvsGesture/aaaaaaaaaaaaaaaaaaaa/bbbbbbbbbbbbbbbbbbbb/cccccccccccccccccccc/dddddddddddddddddddd/eeeeeeeeeeeeeeeeeeee';

  beforeAll(async () => {
    if (!hasTar) return;
    dir = await tempDir();
    src = join(dir, 'src');
    await mkdir(join(src, 'DvsGesture/nested/deeper'), { recursive: true });
    await mkdir(join(src, deep), { recursive: true });
    await mkdir(join(src, 'DvsGesture/empty-folder'), { recursive: true });
    await writeFile(join(src, 'DvsGesture/user01_fluorescent.aedat'), bytes(3_000_000, 1)); // several stream chunks
    await writeFile(join(src, 'DvsGesture', longName), 'startTime_usec,endTime_usec,class\n1,2,3\n');
    await writeFile(join(src, 'DvsGesture/empty.txt'), '');
    await writeFile(join(src, 'DvsGesture/nested/deeper/a.bin'), bytes(513, 2));
    await writeFile(join(src, deep, 'x.bin'), bytes(1024, 3));
    await writeFile(join(src, 'DvsGesture/run.sh'), '#!/bin/sh\n', { mode: 0o755 });
    await link(join(src, 'DvsGesture/nested/deeper/a.bin'), join(src, 'DvsGesture/hard.bin'));
    await symlink('nested/deeper/a.bin', join(src, 'DvsGesture/soft.bin'));
  });

  it.skipIf(!hasTar)('extracts gnu, pax and ustar archives (gzip and plain) byte for byte, with long names, empty files, folders and links', async () => {
    const want = tree(src);
    expect(want.get(`DvsGesture/${longName}`)).toBeDefined();
    for (const [fmt, flags, name] of [
      ['gnu', '-czf', 'DvsGesture.tar.gz'],
      ['pax', '-czf', 'a.tgz'],
      ['pax', '-cf', 'a.tar'],
      ['gnu', '-cf', 'b.tar'],
    ] as const) {
      const archive = join(dir, `${fmt}-${name}`);
      execFileSync('tar', [`--format=${fmt}`, flags, archive, '-C', src, 'DvsGesture']);
      const out = join(dir, `out-${fmt}-${name}`);
      const calls: [number, number][] = [];
      const files = await extractTar(archive, out, { onProgress: (d, t) => calls.push([d, t]) });
      expect(tree(out)).toEqual(want);
      expect(files).toContain(join(out, 'DvsGesture', longName));
      // The hard link shares the inode of its target, as it does in the source.
      expect(statSync(join(out, 'DvsGesture/hard.bin')).ino).toBe(statSync(join(out, 'DvsGesture/nested/deeper/a.bin')).ino);
      const size = statSync(archive).size;
      expect(calls.at(-1)).toEqual([size, size]);
      expect(calls.every(([d, t], i) => t === size && d <= size && (i === 0 || d >= calls[i - 1]![0]))).toBe(true);
      expect(readdirSync(join(out, 'DvsGesture')).some((f) => f.endsWith('.part'))).toBe(false);
    }
    // ustar stores a long path as prefix + name (no single component may pass 100 characters).
    const ustar = join(dir, 'u.tar.gz');
    execFileSync('tar', ['--format=ustar', '-czf', ustar, '-C', src, deep]);
    const out = join(dir, 'out-ustar');
    await extractTar(ustar, out);
    expect(readFileSync(join(out, deep, 'x.bin')).equals(bytes(1024, 3))).toBe(true);
  });

  it.skipIf(!hasTar)('reports archives cut short as file-truncated, leaving no half-written file', async () => {
    const gz = join(dir, 'cut.tar.gz');
    execFileSync('tar', ['-czf', gz, '-C', src, 'DvsGesture']);
    const size = statSync(gz).size;
    for (const cut of [Math.floor(size / 2), size - 4, 100]) {
      const out = join(dir, `cut-gz-${cut}`);
      await expect(extractTar(await truncatedCopy(gz, cut), out)).rejects.toMatchObject({ kind: 'file-truncated', message: expect.stringMatching(/truncated/) });
    }
    const plain = join(dir, 'cut.tar');
    execFileSync('tar', ['-cf', plain, '-C', src, 'DvsGesture/user01_fluorescent.aedat']);
    const out = join(dir, 'cut-plain');
    // Inside the 3 MB member's data: the member must not appear, not even partly.
    await expect(extractTar(await truncatedCopy(plain, 512 + 1_000_000), out)).rejects.toMatchObject({
      kind: 'file-truncated',
      message: expect.stringMatching(/user01_fluorescent\.aedat/),
    });
    expect(existsSync(join(out, 'DvsGesture/user01_fluorescent.aedat'))).toBe(false);
    expect(readdirSync(join(out, 'DvsGesture'))).toEqual([]);
    // After the member's padding but before the closing zero blocks.
    await expect(extractTar(await truncatedCopy(plain, 512 + 3_000_000 + ((512 - (3_000_000 % 512)) % 512)), join(dir, 'cut-end'))).rejects.toMatchObject({
      kind: 'file-truncated',
      message: expect.stringMatching(/zero blocks/),
    });
    // Inside a header.
    await expect(extractTar(await truncatedCopy(plain, 200), join(dir, 'cut-head'))).rejects.toMatchObject({ kind: 'file-truncated', message: expect.stringMatching(/header/) });
  });

  it.skipIf(!hasTar)('refuses a header whose checksum does not match, and a garbled gzip stream', async () => {
    const plain = join(dir, 'bad.tar');
    execFileSync('tar', ['-cf', plain, '-C', src, 'DvsGesture/empty.txt', 'DvsGesture/nested/deeper/a.bin']);
    const b = readFileSync(plain);
    // Find the second member's header (after the first header; empty.txt has no data blocks) and
    // change one letter of its name.
    const second = b.indexOf('DvsGesture/nested', 512);
    expect(second % 512).toBe(0);
    b[second + 11] = 'N'.charCodeAt(0);
    await writeFile(plain, b);
    const out = join(dir, 'bad-out');
    await expect(extractTar(plain, out)).rejects.toMatchObject({ kind: 'dataset-corrupt', message: expect.stringMatching(/checksum/) });
    // The member before the bad header was extracted; the bad one was not.
    expect(existsSync(join(out, 'DvsGesture/empty.txt'))).toBe(true);
    expect(existsSync(join(out, 'DvsGesture/Nested'))).toBe(false);
    // The real tar agrees that this header is bad.
    expect(spawnSync('tar', ['-tf', plain]).status).not.toBe(0);

    const gz = join(dir, 'bad.tar.gz');
    execFileSync('tar', ['-czf', gz, '-C', src, 'DvsGesture/user01_fluorescent.aedat']);
    const g = readFileSync(gz);
    g.fill(0x55, 2000, 2100);
    await writeFile(gz, g);
    await expect(extractTar(gz, join(dir, 'bad-gz'))).rejects.toMatchObject({ kind: 'dataset-corrupt' });
  });
});

describe('extractTar refuses members that leave the destination', () => {
  it('refuses absolute paths, .. parts, links pointing out and writes through a link, writing nothing outside', async () => {
    const dir = await tempDir();
    const dest = join(dir, 'dest');
    const cases: { members: Parameters<typeof writeTar>[1]; why: RegExp }[] = [
      { members: [{ name: '../evil.txt', data: Buffer.from('x') }], why: /'\.\.\/evil\.txt' points outside/ },
      { members: [{ name: 'ok/../../evil.txt', data: Buffer.from('x') }], why: /points outside/ },
      { members: [{ name: `${dir}/evil.txt`, data: Buffer.from('x') }], why: /points outside/ },
      { members: [{ name: 'up', type: '2', linkName: '..' }], why: /symbolic link 'up' -> '\.\.' points outside/ },
      { members: [{ name: 'a/up', type: '2', linkName: '../../x' }], why: /symbolic link/ },
      { members: [{ name: 'abs', type: '2', linkName: dir }], why: /symbolic link/ },
      // `a/l` points at the destination itself (allowed), but `a/l/..` is then above it.
      {
        members: [
          { name: 'a/l', type: '2', linkName: '..' },
          { name: 'esc', type: '2', linkName: 'a/l/..' },
        ],
        why: /symbolic link 'esc'/,
      },
      { members: [{ name: 'hard', type: '1', linkName: '../outside.txt' }], why: /hard link 'hard' -> '\.\.\/outside\.txt' points outside/ },
      // An allowed link inside, then a member written through it.
      {
        members: [
          { name: 'sub', type: '5' },
          { name: 'in', type: '2', linkName: 'sub' },
          { name: 'in/evil.txt', data: Buffer.from('x') },
        ],
        why: /through the symbolic link/,
      },
    ];
    for (const [i, c] of cases.entries()) {
      const tar = join(dir, `evil-${i}.tar`);
      await writeTar(tar, c.members);
      // GNU tar reads the crafted headers (so the refusal is about the paths, not the format).
      if (hasTar) expect(spawnSync('tar', ['-tf', tar]).stdout.toString()).toContain(c.members.at(-1)!.name.replace(/^\/+/, ''));
      await expect(extractTar(tar, join(dest, String(i)))).rejects.toMatchObject({ kind: 'dataset-corrupt', message: expect.stringMatching(c.why) });
    }
    expect(readdirSync(dir).filter((f) => f.startsWith('evil') && !f.endsWith('.tar'))).toEqual([]);
    expect(existsSync(join(dest, 'evil.txt'))).toBe(false);
    expect(existsSync(join(dest, '8', 'sub', 'evil.txt'))).toBe(false);
  });

  it('refuses devices and FIFOs as not supported, and a hard link to a member not yet extracted as corrupt', async () => {
    const dir = await tempDir();
    for (const [i, type] of ['3', '4', '6'].entries()) {
      const tar = join(dir, `dev-${i}.tar`);
      await writeTar(tar, [{ name: 'dev/thing', type }]);
      await expect(extractTar(tar, join(dir, `o${i}`))).rejects.toMatchObject({
        kind: 'not-supported',
        message: expect.stringMatching(/'dev\/thing' is a (character device|block device|FIFO)/),
      });
    }
    const tar = join(dir, 'hard.tar');
    await writeTar(tar, [
      { name: 'h.bin', type: '1', linkName: 'later.bin' },
      { name: 'later.bin', data: Buffer.from('x') },
    ]);
    await expect(extractTar(tar, join(dir, 'oh'))).rejects.toMatchObject({ kind: 'dataset-corrupt', message: expect.stringMatching(/not extracted before it/) });
  });

  it('accepts links that stay inside, and reads crafted members without GNU tar', async () => {
    const dir = await tempDir();
    const tar = join(dir, 'ok.tar');
    await writeTar(tar, [
      { name: 'd/', type: '5' },
      { name: 'd/f.bin', data: bytes(1000, 9) },
      { name: 'd/e/up', type: '2', linkName: '../f.bin' },
      { name: 'd/h.bin', type: '1', linkName: 'd/f.bin' },
    ]);
    const out = join(dir, 'out');
    expect(await extractTar(tar, out)).toEqual([join(out, 'd/f.bin'), join(out, 'd/e/up'), join(out, 'd/h.bin')]);
    expect(readFileSync(join(out, 'd/e/up')).equals(bytes(1000, 9))).toBe(true);
    expect(readFileSync(join(out, 'd/h.bin')).equals(bytes(1000, 9))).toBe(true);
    expect(tarHeader({ name: 'x' }).length).toBe(512);
  });
});
