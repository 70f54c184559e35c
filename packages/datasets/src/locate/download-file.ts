import { createWriteStream, promises as fs } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { SpikeflowError } from '@spikeflow/core';
import { ChecksumHasher, checksumAlgorithms, checksumError, compareChecksum, type Checksum, type ChecksumMismatch } from '../checksum/checksum.js';

/** Options of {@link downloadFile}. */
export interface DownloadFileOptions {
  /** Addresses of the same file, tried in order until one gives bytes that match `checksum`. */
  readonly urls: readonly string[];
  /** Where the file ends up. It appears there only complete and verified. */
  readonly dest: string;
  /** Expected digests; every one given is checked. Without it the file is accepted as served. */
  readonly checksum?: Checksum;
  /** Give up on an address after this long without a response or without new bytes (default 30 s). */
  readonly timeoutMs?: number;
  /** Redirects followed per address before giving up (default 5). */
  readonly maxRedirects?: number;
  /** Called as bytes arrive; `total` is the Content-Length when the server sends one. */
  readonly onProgress?: (done: number, total: number | undefined, url: string) => void;
}

/** What a successful download fetched. */
export interface DownloadResult {
  /** The address that served the file (after redirects). */
  readonly url: string;
  readonly dest: string;
  readonly size: number;
  readonly sha256: string;
}

/** One failed address, for the error's details. */
export interface DownloadAttempt {
  readonly url: string;
  readonly error: string;
  readonly mismatch?: ChecksumMismatch;
}

const USER_AGENT = 'spikeflow-datasets/0.1.0 (+https://github.com/spikeflow)';

class AttemptError extends Error {
  constructor(
    message: string,
    readonly mismatch?: ChecksumMismatch,
  ) {
    super(message);
  }
}

/** GET `url` once (no redirects) with an inactivity timeout covering connect, headers and body. */
function get(url: URL, timeoutMs: number): Promise<http.IncomingMessage> {
  const client = url.protocol === 'https:' ? https : url.protocol === 'http:' ? http : undefined;
  if (!client) return Promise.reject(new AttemptError(`unsupported protocol ${url.protocol} (use http or https)`));
  return new Promise((resolve, reject) => {
    let response: http.IncomingMessage | undefined;
    const req = client.get(url, { timeout: timeoutMs, headers: { 'user-agent': USER_AGENT, 'accept-encoding': 'identity' } }, (res) => {
      response = res;
      resolve(res);
    });
    req.on('timeout', () => {
      const err = new AttemptError(response ? `stalled: no data for ${timeoutMs} ms` : `no response within ${timeoutMs} ms`);
      response?.destroy(err);
      req.destroy(err);
    });
    req.on('error', reject);
  });
}

/** GET following up to `maxRedirects` redirects; resolves with a 200 response. */
async function open(url: string, timeoutMs: number, maxRedirects: number): Promise<{ res: http.IncomingMessage; url: string }> {
  let current = new URL(url);
  for (let hops = 0; ; hops++) {
    const res = await get(current, timeoutMs);
    const status = res.statusCode ?? 0;
    const location = res.headers.location;
    if (status >= 300 && status < 400 && location) {
      res.resume();
      if (hops >= maxRedirects) throw new AttemptError(`more than ${maxRedirects} redirects (last to ${location})`);
      current = new URL(location, current);
      continue;
    }
    if (status !== 200) {
      res.resume();
      throw new AttemptError(`HTTP ${status}${res.statusMessage ? ` ${res.statusMessage}` : ''}`);
    }
    return { res, url: current.toString() };
  }
}

/** Stream one address into `tmp`, hashing on the way; rejects with the reason it failed. */
async function fetchInto(url: string, tmp: string, options: DownloadFileOptions): Promise<{ url: string; size: number; sha256: string }> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const { res, url: finalUrl } = await open(url, timeoutMs, options.maxRedirects ?? 5);
  const lengthHeader = Number(res.headers['content-length']);
  const total = Number.isFinite(lengthHeader) && lengthHeader >= 0 ? lengthHeader : undefined;
  const hasher = new ChecksumHasher(['sha256', ...checksumAlgorithms(options.checksum ?? {}).filter((a) => a !== 'sha256')]);
  let done = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hasher.update(chunk);
      done += chunk.length;
      options.onProgress?.(done, total, finalUrl);
      callback(null, chunk);
    },
  });
  await pipeline(res, tap, createWriteStream(tmp, { flags: 'wx' }));
  if (total !== undefined && done !== total) throw new AttemptError(`connection closed after ${done} of ${total} bytes`);
  const handle = await fs.open(tmp, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
  const digests = hasher.digest();
  if (options.checksum) {
    const mismatch = compareChecksum(options.checksum, digests);
    if (mismatch) throw new AttemptError(`wrong bytes, ${mismatch.algorithm} ${mismatch.actual} instead of ${mismatch.expected}`, mismatch);
  }
  return { url: finalUrl, size: done, sha256: digests.sha256! };
}

/**
 * Download a file, trying mirrors in order, so that the destination only ever holds a complete,
 * verified file: bytes stream into a temp file beside `dest` (hashed as they arrive), which is
 * renamed over `dest` only after the checksum matches, and removed on any failure. A half-finished
 * or wrong download therefore never poisons a later run.
 *
 * @throws SpikeflowError `checksum-mismatch` when an address served bytes that do not match (and no
 *   later one served good ones), naming the file, expected and actual; `download-failed` when no
 *   address could be fetched, naming every address and why it failed.
 */
export async function downloadFile(options: DownloadFileOptions): Promise<DownloadResult> {
  const dest = path.resolve(options.dest);
  if (options.urls.length === 0) {
    throw new SpikeflowError('download-failed', `no address to download ${path.basename(dest)} from`, { file: dest, attempts: [] });
  }
  await fs.mkdir(path.dirname(dest), { recursive: true });
  const attempts: DownloadAttempt[] = [];
  for (const url of options.urls) {
    const tmp = path.join(path.dirname(dest), `.${path.basename(dest)}.${process.pid}.${randomBytes(4).toString('hex')}.part`);
    try {
      const got = await fetchInto(url, tmp, options);
      await fs.rename(tmp, dest);
      return { url: got.url, dest, size: got.size, sha256: got.sha256 };
    } catch (e) {
      await fs.rm(tmp, { force: true });
      const err = e as Error & { code?: string };
      attempts.push({ url, error: err.message || err.code || String(e), mismatch: e instanceof AttemptError ? e.mismatch : undefined });
    }
  }
  const tried = attempts.map((a) => `${a.url} (${a.error})`).join('; ');
  const bad = attempts.find((a) => a.mismatch);
  if (bad?.mismatch) {
    throw checksumError(dest, bad.mismatch, {
      form: `downloaded from ${bad.url}`,
      hint: `The download was discarded. Addresses tried: ${tried}`,
      details: { url: bad.url, attempts },
    });
  }
  throw new SpikeflowError('download-failed', `could not download ${path.basename(dest)} into ${path.dirname(dest)}: ${tried}`, { file: dest, urls: options.urls, attempts });
}
