import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { Sha256, sha256Hex, toHex } from './sha256';

const ref = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('Sha256 (streaming)', () => {
  test('matches node:crypto for every length around the padding boundaries', () => {
    for (const n of [0, 1, 3, 55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 1000]) {
      const data = new Uint8Array(randomBytes(n));
      expect(new Sha256().update(data).digestHex(), `length ${n}`).toBe(ref(data));
    }
  });

  test('split updates give the same digest as one update', () => {
    const data = new Uint8Array(randomBytes(300_001));
    const h = new Sha256();
    let off = 0;
    for (const step of [1, 63, 64, 65, 4096, 100_000]) {
      h.update(data.subarray(off, off + step));
      off += step;
    }
    h.update(data.subarray(off));
    expect(h.digestHex()).toBe(ref(data));
  });

  test('known vector and the WebCrypto helper agree', async () => {
    const abc = new TextEncoder().encode('abc');
    expect(new Sha256().update(abc).digestHex()).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(await sha256Hex(abc)).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(toHex(new Uint8Array([0, 15, 255]))).toBe('000fff');
  });
});
