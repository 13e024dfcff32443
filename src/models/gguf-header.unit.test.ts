import { describe, expect, test } from 'vitest';
import { readGgufHeader, hyperParams } from './gguf-header';
import { GgufError, UnsupportedModelError } from '../errors';
import { buildTinyLlamaGguf, TINY_SPEC } from '../../test/fixtures/gguf-writer';

const tiny = buildTinyLlamaGguf(TINY_SPEC);

/** Build a GGUF header by hand: magic, version, counts, then raw bytes. */
function header(parts: { version?: number; nTensors?: bigint; nKv?: bigint; rest?: number[] }): Blob {
  const buf = new ArrayBuffer(24 + (parts.rest?.length ?? 0));
  const v = new DataView(buf);
  v.setUint32(0, 0x46554747, true);
  v.setUint32(4, parts.version ?? 3, true);
  v.setBigUint64(8, parts.nTensors ?? 0n, true);
  v.setBigUint64(16, parts.nKv ?? 0n, true);
  new Uint8Array(buf, 24).set(parts.rest ?? []);
  return new Blob([buf]);
}

function u64(n: bigint) { const b = new DataView(new ArrayBuffer(8)); b.setBigUint64(0, n, true); return [...new Uint8Array(b.buffer)]; }
function u32(n: number) { const b = new DataView(new ArrayBuffer(4)); b.setUint32(0, n, true); return [...new Uint8Array(b.buffer)]; }
function str(s: string) { const e = [...new TextEncoder().encode(s)]; return [...u64(BigInt(e.length)), ...e]; }

describe('readGgufHeader', () => {
  test('reads the generated fixture: metadata, tensors, hyper-parameters', async () => {
    const h = await readGgufHeader(new Blob([tiny as BlobPart]));
    expect(h.version).toBe(3);
    expect(h.metadata['general.architecture']).toBe('llama');
    expect(h.tensors).toHaveLength(3 + TINY_SPEC.nLayer * 9);
    expect(h.dataOffset % 32).toBe(0);
    expect(h.dataOffset + h.dataBytes).toBeLessThanOrEqual(tiny.length);
    const hp = hyperParams(h);
    expect(hp).toMatchObject({ embeddingLength: 64, blockCount: 4, headCount: 4, headCountKv: 2, fileType: 'F32' });
  });

  test('a truncated file is a GgufError naming the sizes', async () => {
    for (const cut of [3, 100, 5000, tiny.length - 1]) {
      const err = await readGgufHeader(new Blob([tiny.slice(0, cut) as BlobPart])).catch((e) => e);
      expect(err, `cut at ${cut}`).toBeInstanceOf(GgufError);
      expect(err.code).toBe('GGUF_INVALID');
    }
    const err = await readGgufHeader(new Blob([tiny.slice(0, tiny.length - 1) as BlobPart])).catch((e) => e);
    expect(err.details).toMatchObject({ fileSize: tiny.length - 1, expectedBytes: tiny.length });
  });

  test('wrong magic, wrong version, a non-model file', async () => {
    await expect(readGgufHeader(new Blob(['<!doctype html><html>not a model</html>']))).rejects.toMatchObject({ code: 'GGUF_INVALID' });
    await expect(readGgufHeader(header({ version: 99 }))).rejects.toBeInstanceOf(UnsupportedModelError);
    await expect(readGgufHeader(new Blob([]))).rejects.toBeInstanceOf(GgufError);
  });

  test('absurd counts are refused before anything is allocated', async () => {
    await expect(readGgufHeader(header({ nTensors: 10n ** 12n }))).rejects.toThrow(/tensors/);
    await expect(readGgufHeader(header({ nKv: 2n ** 63n }))).rejects.toThrow(/metadata|absurdly/);
    // One key whose array claims 10^12 elements.
    const arr = header({ nKv: 1n, rest: [...str('x'), ...u32(9), ...u32(4), ...u64(10n ** 12n)] });
    await expect(readGgufHeader(arr)).rejects.toThrow(/exceeds the limit/);
    // A string claiming 2^60 bytes.
    const s = header({ nKv: 1n, rest: [...u64(2n ** 60n)] });
    await expect(readGgufHeader(s)).rejects.toBeInstanceOf(GgufError);
  });

  test('tensor offsets beyond the file are refused', async () => {
    const rest = [...str('t'), ...u32(1), ...u64(16n), ...u32(0), ...u64(10n ** 9n)];
    const err = await readGgufHeader(header({ nTensors: 1n, rest })).catch((e) => e);
    expect(err).toBeInstanceOf(GgufError);
    expect(err.message).toMatch(/beyond the end/);
  });

  test('unknown tensor types and metadata types are typed errors', async () => {
    await expect(readGgufHeader(header({ nTensors: 1n, rest: [...str('t'), ...u32(1), ...u64(4n), ...u32(999), ...u64(0n)] })))
      .rejects.toBeInstanceOf(UnsupportedModelError);
    await expect(readGgufHeader(header({ nKv: 1n, rest: [...str('k'), ...u32(77)] }))).rejects.toThrow(/value type/);
  });
});
