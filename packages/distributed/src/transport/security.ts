import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as zmq from 'zeromq';
import { SpikeflowError, writeFileAtomic } from '@spikeflow/core';
import { isZ85Key, z85Encode } from './z85.js';

/** A CURVE key pair in Z85 text (what `spikeflow cluster keygen` writes). */
export interface CurveKeyPair {
  readonly publicKey: string;
  readonly secretKey: string;
}

/** How a cluster socket is secured: CURVE (with this node's keys) or plain TCP. */
export type Security = { readonly curve: CurveKeyPair } | { readonly insecure: true };

/** True when `endpoint` is `tcp://` on a loopback address (127.0.0.0/8, ::1, localhost), or ipc/inproc. */
export function isLoopbackEndpoint(endpoint: string): boolean {
  if (endpoint.startsWith('ipc://') || endpoint.startsWith('inproc://')) return true;
  const m = /^tcp:\/\/(\[[^\]]+\]|[^:]+):/.exec(endpoint);
  if (!m) return false;
  const host = m[1].replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/**
 * Refuse plain TCP beyond loopback: binding or connecting to a non-loopback endpoint needs CURVE
 * keys unless the user said `--insecure`.
 */
export function requireSecureEndpoint(endpoint: string, security: Security | undefined, role: string): Security {
  if (security) return security;
  if (isLoopbackEndpoint(endpoint)) return { insecure: true };
  throw new SpikeflowError(
    'unauthorized',
    `${role} endpoint ${endpoint} is not loopback: give CURVE keys (spikeflow cluster keygen; --key, and --allow on the coordinator) or pass --insecure to use plain TCP`,
  );
}

/** Make a fresh CURVE key pair. */
export function generateKeyPair(): CurveKeyPair {
  return zmq.curveKeyPair();
}

/**
 * Write a key pair as JSON (mode 0600) and the public key alone beside it (`<file>.pub`). The
 * folder must exist: a secret key is not a reason to create folders (and a recursive mkdir under
 * /proc never returns).
 */
export async function writeKeyPair(file: string, keys: CurveKeyPair): Promise<void> {
  const dir = path.dirname(path.resolve(file));
  const st = await fs.stat(dir).catch(() => undefined);
  if (!st?.isDirectory()) throw new SpikeflowError('invalid-options', `cannot write key file ${file}: ${dir} is not an existing folder (create it first)`);
  try {
    // Created with mode 0600 from the start: the secret key is never readable by others, not even briefly.
    const handle = await fs.open(file, 'w', 0o600);
    try {
      await handle.chmod(0o600);
      await handle.writeFile(`${JSON.stringify({ publicKey: keys.publicKey, secretKey: keys.secretKey }, null, 2)}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await writeFileAtomic(`${file}.pub`, `${keys.publicKey}\n`);
  } catch (e) {
    throw new SpikeflowError('invalid-options', `cannot write key file ${file}: ${(e as Error).message}`);
  }
}

/** Read a key pair written by {@link writeKeyPair}. */
export async function readKeyPair(file: string): Promise<CurveKeyPair> {
  let parsed: { publicKey?: unknown; secretKey?: unknown };
  try {
    parsed = JSON.parse(await fs.readFile(file, 'utf8'));
  } catch (e) {
    throw new SpikeflowError('invalid-options', `key file ${file} is not a key pair written by 'spikeflow cluster keygen': ${(e as Error).message}`);
  }
  const { publicKey, secretKey } = parsed;
  if (typeof publicKey !== 'string' || !isZ85Key(publicKey) || typeof secretKey !== 'string' || !isZ85Key(secretKey)) {
    throw new SpikeflowError('invalid-options', `key file ${file} must hold {"publicKey", "secretKey"} as 40-character Z85 strings`);
  }
  return { publicKey, secretKey };
}

/** Read an allow-list: one Z85 public key per line, optionally followed by a note (`#` comment lines and `.pub` files welcome). */
export async function readAllowList(files: readonly string[]): Promise<Set<string>> {
  const out = new Set<string>();
  for (const file of files) {
    const text = await fs.readFile(file, 'utf8').catch((e: Error) => {
      throw new SpikeflowError('invalid-options', `cannot read allow-list ${file}: ${e.message}`);
    });
    text.split('\n').forEach((raw, i) => {
      // Z85 keys may contain '#': only whole-line comments, and text after the key, are ignored.
      const trimmed = raw.trim();
      if (!trimmed || trimmed.startsWith('#')) return;
      const line = trimmed.split(/\s+/)[0];
      if (!isZ85Key(line)) throw new SpikeflowError('invalid-options', `${file}:${i + 1}: expected a 40-character Z85 public key, got '${line.slice(0, 50)}'`);
      out.add(line);
    });
  }
  return out;
}

/** Configure `socket` as a CURVE server checked by ZAP `domain`, or leave it plain. */
export function secureServer(socket: zmq.Socket, security: Security, domain: string): void {
  if ('insecure' in security) return;
  socket.curveServer = true;
  socket.curveSecretKey = security.curve.secretKey;
  socket.curvePublicKey = security.curve.publicKey;
  socket.zapDomain = domain;
}

/** Configure `socket` as a CURVE client of a server whose public key is `serverKey`. */
export function secureClient(socket: zmq.Socket, security: Security, serverKey: string | undefined): void {
  if ('insecure' in security) return;
  if (!serverKey) throw new SpikeflowError('unauthorized', 'CURVE is on but the server public key is unknown (give --server-key)');
  socket.curveServer = false;
  socket.curveSecretKey = security.curve.secretKey;
  socket.curvePublicKey = security.curve.publicKey;
  socket.curveServerKey = serverKey;
}

/**
 * The process's ZAP handler (RFC 27): ZeroMQ asks it about every CURVE handshake; it accepts a
 * client whose public key is in the allow-list registered for the socket's domain. One handler
 * per process (ZeroMQ has one ZAP endpoint per context).
 */
export class ZapAuthenticator {
  private static instance: ZapAuthenticator | undefined;
  private readonly domains = new Map<string, () => ReadonlySet<string>>();
  private readonly socket = new zmq.Reply({ linger: 0 });
  /** Refused handshakes (domain and key), newest last. */
  readonly refused: Array<{ domain: string; key: string; address: string }> = [];

  private constructor() {}

  /** Start (once) and return the process's authenticator. */
  static async get(): Promise<ZapAuthenticator> {
    if (!ZapAuthenticator.instance) {
      const z = new ZapAuthenticator();
      await z.socket.bind('inproc://zeromq.zap.01');
      ZapAuthenticator.instance = z;
      void z.loop();
    }
    return ZapAuthenticator.instance;
  }

  /** Stop the handler (tests; a new one can be made afterwards). */
  static close(): void {
    ZapAuthenticator.instance?.socket.close();
    ZapAuthenticator.instance = undefined;
  }

  /**
   * Accept CURVE clients of `domain` whose key is in `allowed()` (read at each handshake). Returns
   * the release function: when the last domain is released the handler closes, so it never keeps
   * a finished process alive.
   */
  allow(domain: string, allowed: () => ReadonlySet<string>): () => void {
    this.domains.set(domain, allowed);
    return () => {
      if (this.domains.get(domain) !== allowed) return;
      this.domains.delete(domain);
      if (this.domains.size === 0 && ZapAuthenticator.instance === this) ZapAuthenticator.close();
    };
  }

  private async loop(): Promise<void> {
    try {
      for await (const frames of this.socket) {
        const [version, requestId, domainF, addressF, , mechanismF, credentials] = frames;
        const domain = domainF?.toString() ?? '';
        const mechanism = mechanismF?.toString() ?? '';
        let ok = false;
        let key = '';
        if (mechanism === 'CURVE' && credentials?.length === 32) {
          key = z85Encode(new Uint8Array(credentials));
          ok = this.domains.get(domain)?.().has(key) ?? false;
        }
        if (!ok) this.refused.push({ domain, key, address: addressF?.toString() ?? '' });
        await this.socket.send([version ?? '1.0', requestId ?? '', ok ? '200' : '400', ok ? 'OK' : 'key not allowed', ok ? key : '', '']);
      }
    } catch {
      // closed
    }
  }
}
