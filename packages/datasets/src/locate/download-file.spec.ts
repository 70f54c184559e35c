import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { expectSpikeflowError, tempDir } from '@spikeflow/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closedPort, redirect, serve, startServer, type TestServer } from '../test-utils/http-server.js';
import { md5, sha256 } from '../test-utils/idx-fixtures.js';
import { downloadFile } from './download-file.js';

const BODY = Buffer.from(Array.from({ length: 200_000 }, (_, i) => (i * 31 + 7) % 251));
const GOOD = { size: BODY.length, sha256: sha256(BODY), md5: md5(BODY) };

let dir: string;
let servers: TestServer[];
beforeEach(() => {
  dir = tempDir();
  servers = [];
});
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

async function server(routes: Parameters<typeof startServer>[0]): Promise<TestServer> {
  const s = await startServer(routes);
  servers.push(s);
  return s;
}

/** Files left in the download folder (a failed download must leave neither the file nor a temp file). */
const leftovers = async () => (await fs.readdir(dir)).sort();

describe('downloadFile', () => {
  it('downloads, verifies SHA-256 and MD5, reports progress, and writes the file atomically', async () => {
    const s = await server({ '/data/file.gz': serve(BODY) });
    const events: Array<[number, number | undefined]> = [];
    const dest = path.join(dir, 'sub', 'file.gz');
    const got = await downloadFile({ urls: [`${s.base}data/file.gz`], dest, checksum: GOOD, onProgress: (done, total) => events.push([done, total]) });
    expect(got).toMatchObject({ url: `${s.base}data/file.gz`, dest, size: BODY.length, sha256: GOOD.sha256 });
    expect((await fs.readFile(dest)).equals(BODY)).toBe(true);
    expect(events.length).toBeGreaterThan(0);
    expect(events.at(-1)).toEqual([BODY.length, BODY.length]);
    for (let i = 1; i < events.length; i++) expect(events[i][0]).toBeGreaterThan(events[i - 1][0]);
    expect(await fs.readdir(path.join(dir, 'sub'))).toEqual(['file.gz']);
  });

  it('refuses corrupt bytes with checksum-mismatch naming file, expected and actual, and leaves nothing behind', async () => {
    const corrupt = Buffer.from(BODY);
    corrupt[1000] ^= 1;
    const s = await server({ '/file.gz': serve(corrupt) });
    const dest = path.join(dir, 'file.gz');
    const e = await expectSpikeflowError(downloadFile({ urls: [`${s.base}file.gz`], dest, checksum: { sha256: GOOD.sha256 } }), 'checksum-mismatch');
    expect(e.message).toContain(dest);
    expect(e.message).toContain(GOOD.sha256);
    expect(e.message).toContain(sha256(corrupt));
    expect(e.message).toContain(`${s.base}file.gz`);
    expect(await leftovers()).toEqual([]);
  });

  it('checks MD5 when that is the only digest known', async () => {
    const s = await server({ '/file.gz': serve(BODY) });
    const e = await expectSpikeflowError(downloadFile({ urls: [`${s.base}file.gz`], dest: path.join(dir, 'file.gz'), checksum: { md5: '0'.repeat(32) } }), 'checksum-mismatch');
    expect(e.message).toMatch(new RegExp(`MD5 mismatch, expected 0{32}, got ${GOOD.md5}`));
    expect(await leftovers()).toEqual([]);
  });

  it('404 gives download-failed naming the address', async () => {
    const s = await server({});
    const url = `${s.base}missing.gz`;
    const e = await expectSpikeflowError(downloadFile({ urls: [url], dest: path.join(dir, 'missing.gz'), checksum: GOOD }), 'download-failed');
    expect(e.message).toContain(`${url} (HTTP 404 Not Found)`);
    expect(await leftovers()).toEqual([]);
  });

  it('connection refused gives download-failed naming the address', async () => {
    const url = `http://127.0.0.1:${await closedPort()}/file.gz`;
    const e = await expectSpikeflowError(downloadFile({ urls: [url], dest: path.join(dir, 'file.gz'), timeoutMs: 2000 }), 'download-failed');
    expect(e.message).toContain(url);
    expect(e.message).toMatch(/ECONNREFUSED/);
    expect(await leftovers()).toEqual([]);
  });

  it('follows redirects (relative and absolute) and gives up on loops', async () => {
    const s = await server({
      '/old/file.gz': redirect('../new/file.gz', 301),
      '/new/file.gz': redirect('/final/file.gz', 307),
      '/final/file.gz': serve(BODY),
      '/loop': redirect('/loop'),
    });
    const got = await downloadFile({ urls: [`${s.base}old/file.gz`], dest: path.join(dir, 'file.gz'), checksum: GOOD });
    expect(got.url).toBe(`${s.base}final/file.gz`);
    expect(s.requests).toEqual(['/old/file.gz', '/new/file.gz', '/final/file.gz']);
    const e = await expectSpikeflowError(downloadFile({ urls: [`${s.base}loop`], dest: path.join(dir, 'loop.gz'), maxRedirects: 3 }), 'download-failed');
    expect(e.message).toMatch(/more than 3 redirects/);
    expect(s.requests.filter((r) => r === '/loop')).toHaveLength(4);
  });

  it('falls back to the next mirror after an error or a bad checksum', async () => {
    const corrupt = Buffer.from(BODY);
    corrupt[0] ^= 1;
    const s = await server({
      '/a/file.gz': (_req, res) => {
        res.writeHead(500);
        res.end();
      },
      '/b/file.gz': serve(corrupt),
      '/c/file.gz': serve(BODY),
    });
    const urls = ['a', 'b', 'c'].map((m) => `${s.base}${m}/file.gz`);
    const got = await downloadFile({ urls, dest: path.join(dir, 'file.gz'), checksum: GOOD });
    expect(got.url).toBe(urls[2]);
    expect(s.requests).toEqual(['/a/file.gz', '/b/file.gz', '/c/file.gz']);
    expect(await leftovers()).toEqual(['file.gz']);
  });

  it('times out on a server that never answers, and on one that stalls mid-body', async () => {
    const s = await server({
      '/silent': () => {},
      '/stall': (_req, res) => {
        res.writeHead(200, { 'content-length': BODY.length });
        res.write(BODY.subarray(0, 1000));
      },
    });
    const silent = await expectSpikeflowError(downloadFile({ urls: [`${s.base}silent`], dest: path.join(dir, 'a.gz'), timeoutMs: 200 }), 'download-failed');
    expect(silent.message).toContain(`${s.base}silent (no response within 200 ms)`);
    const stall = await expectSpikeflowError(downloadFile({ urls: [`${s.base}stall`], dest: path.join(dir, 'b.gz'), timeoutMs: 200 }), 'download-failed');
    expect(stall.message).toContain(`${s.base}stall`);
    expect(await leftovers()).toEqual([]);
  });

  it('refuses a body cut short of its Content-Length', async () => {
    const s = await server({
      '/cut': (req, res) => {
        res.writeHead(200, { 'content-length': BODY.length });
        res.write(BODY.subarray(0, 5000), () => req.socket.destroy());
      },
    });
    await expectSpikeflowError(downloadFile({ urls: [`${s.base}cut`], dest: path.join(dir, 'cut.gz'), timeoutMs: 2000 }), 'download-failed');
    expect(await leftovers()).toEqual([]);
  });

  it('never replaces a good file with a failed download', async () => {
    const dest = path.join(dir, 'file.gz');
    await fs.writeFile(dest, 'previous');
    const s = await server({});
    await expectSpikeflowError(downloadFile({ urls: [`${s.base}x`], dest }), 'download-failed');
    expect(await fs.readFile(dest, 'utf8')).toBe('previous');
    expect(await leftovers()).toEqual(['file.gz']);
  });
});
