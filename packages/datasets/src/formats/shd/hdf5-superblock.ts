import { open } from 'node:fs/promises';

/** The 8-byte signature at the start of an HDF5 file. */
export const HDF5_SIGNATURE = Uint8Array.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);

/** What the superblock says about the file's extent. */
export interface Hdf5Superblock {
  readonly version: number;
  /** The file size the writer recorded ("end of file address" + base address). */
  readonly endOfFile: number;
  readonly fileSize: number;
}

/**
 * Read the HDF5 superblock at offset 0 (HDF5 File Format Specification, section II.A,
 * https://docs.hdfgroup.org/hdf5/develop/_f_m_t3.html): versions 0/1 keep the end-of-file address
 * after the base and free-space addresses; versions 2/3 after the base and extension addresses.
 * Returns undefined when the file does not start with the HDF5 signature.
 */
export async function readHdf5Superblock(file: string): Promise<Hdf5Superblock | undefined> {
  const fh = await open(file, 'r');
  try {
    const fileSize = (await fh.stat()).size;
    const b = new Uint8Array(96);
    const { bytesRead } = await fh.read(b, 0, b.length, 0);
    if (bytesRead < 8 || HDF5_SIGNATURE.some((v, i) => b[i] !== v)) return undefined;
    const view = new DataView(b.buffer);
    const version = b[8]!;
    const readAddr = (at: number, size: number): number => (size === 8 ? Number(view.getBigUint64(at, true)) : view.getUint32(at, true));
    let endOfFile: number;
    if (version <= 1) {
      const so = b[13]!;
      let at = 24 + (version === 1 ? 4 : 0);
      const base = readAddr(at, so);
      at += 2 * so; // base, free-space info
      endOfFile = base + readAddr(at, so);
    } else {
      const so = b[9]!;
      const base = readAddr(12, so);
      endOfFile = base + readAddr(12 + 2 * so, so);
    }
    return { version, endOfFile, fileSize };
  } finally {
    await fh.close();
  }
}
