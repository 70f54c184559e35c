import { describe, expect, it } from 'vitest';
import { maxFrameBytes } from './max-frame-bytes.js';
import { MAX_CONTROL_BYTES } from './wire.js';
import type { Fingerprint } from './messages.js';

const fp = (tensors: Fingerprint['tensors']): Fingerprint => ({
  tensors,
  coreVersion: '0',
  distributedVersion: '0',
  protocol: 'p',
  datasetLength: 1,
  numClasses: 2,
  optimizer: 'adam',
  backend: 'wasm',
});

describe('maxFrameBytes', () => {
  it('is a control frame plus three copies of the tensors (weights, or up to three optimizer slots), by dtype size', () => {
    // 2·3 float32 (24 bytes) + 4 int32 (16 bytes) + 5 bool (5 bytes) = 45 bytes of tensors.
    const tensors = [
      { name: 'w', shape: [2, 3], dtype: 'float32' },
      { name: 'i', shape: [4], dtype: 'int32' },
      { name: 'b', shape: [5], dtype: 'bool' },
    ];
    expect(maxFrameBytes(fp(tensors))).toBe(MAX_CONTROL_BYTES + 3 * 45);
    // A 784×512 layer: ~1.6 MB of weights, so about 5.8 MB per frame, nowhere near 1 GiB.
    expect(maxFrameBytes(fp([{ name: 'l', shape: [784, 512], dtype: 'float32' }]))).toBe((1 << 20) + 3 * 784 * 512 * 4);
  });
});
