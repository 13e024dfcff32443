/**
 * Bad inputs through a real engine worker: each gives a typed error with a code and words for the UI,
 * and the worker stays usable afterwards.
 */
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { EngineClient } from '../../src/kernel/engine-client';
import { ERROR_TEXT, LlmOsError } from '../../src/errors';
import { greedy, TINY_URL } from '../helpers/engines';
import { faultCase } from './reliability';
import type { GenerateRequest } from '../../src/protocol/engine';

let client: EngineClient;
let tiny: Uint8Array;

beforeAll(async () => {
  client = await EngineClient.start();
  tiny = new Uint8Array(await (await fetch(TINY_URL)).arrayBuffer());
});
afterAll(() => client.terminate());

async function expectTyped(p: Promise<unknown>, code: string): Promise<LlmOsError> {
  const err = await p.then(() => null, (e) => e);
  expect(err).toBeInstanceOf(LlmOsError);
  expect(err.code).toBe(code);
  expect(ERROR_TEXT[code]).toBeTruthy();
  return err;
}

async function stillUsable() {
  await client.load('wllama', { kind: 'gguf-blobs', id: 'tiny', blobs: [new Blob([tiny as BlobPart])] }, { nThreads: 2, nCtx: 256 });
  const r = await client.generate(greedy({ maxTokens: 3 }), () => {});
  expect(r.usage.completionTokens).toBe(3);
}

function patched(edit: (v: DataView, bytes: Uint8Array) => void): Blob {
  const copy = tiny.slice();
  edit(new DataView(copy.buffer), copy);
  return new Blob([copy as BlobPart]);
}

/** Byte position just after the GGUF string `name` (its u64 length + bytes) in the header. */
function after(bytes: Uint8Array, name: string): number {
  const needle = new TextEncoder().encode(name);
  outer: for (let i = 8; i < Math.min(bytes.length, 1 << 20); i++) {
    for (let j = 0; j < needle.length; j++) if (bytes[i + j] !== needle[j]) continue outer;
    const v = new DataView(bytes.buffer, bytes.byteOffset);
    if (v.getBigUint64(i - 8, true) === BigInt(needle.length)) return i + needle.length;
  }
  throw new Error(`${name} not found in the header`);
}

const load = (blob: Blob, id = 'bad') => client.load('wllama', { kind: 'gguf-blobs', id, blobs: [blob] }, { nThreads: 2, nCtx: 256 });

describe('bad model files', () => {
  faultCase('model file', 'truncated GGUF', 'GgufError GGUF_INVALID; worker usable', async () => {
    await expectTyped(load(new Blob([tiny.slice(0, tiny.length - 4096) as BlobPart])), 'GGUF_INVALID');
    await stillUsable();
  });
  faultCase('model file', 'wrong magic bytes', 'GgufError GGUF_INVALID', async () => {
    await expectTyped(load(patched((v) => v.setUint32(0, 0x46554746, true))), 'GGUF_INVALID');
    await stillUsable();
  });
  faultCase('model file', 'unsupported GGUF version', 'UnsupportedModelError MODEL_UNSUPPORTED', async () => {
    await expectTyped(load(patched((v) => v.setUint32(4, 42, true))), 'MODEL_UNSUPPORTED');
    await stillUsable();
  });
  faultCase('model file', 'header claims 10^12 tensors', 'GgufError before any allocation', async () => {
    await expectTyped(load(patched((v) => v.setBigUint64(8, 10n ** 12n, true))), 'GGUF_INVALID');
    await stillUsable();
  });
  faultCase('model file', 'header claims 2^62 metadata keys', 'GgufError before any allocation', async () => {
    await expectTyped(load(patched((v) => v.setBigUint64(16, 2n ** 62n, true))), 'GGUF_INVALID');
    await stillUsable();
  });
  faultCase('model file', 'a tensor offset beyond the end of the file', 'GgufError GGUF_INVALID before any read of tensor data', async () => {
    await expectTyped(load(patched((v, b) => {
      // Tensor info: name, u32 n_dims, n_dims × u64 dims, u32 type, u64 offset.
      const at = after(b, 'output.weight');
      const dims = v.getUint32(at, true);
      v.setBigUint64(at + 4 + dims * 8 + 4, 2n ** 40n, true);
    })), 'GGUF_INVALID');
    await stillUsable();
  });
  faultCase('model file', 'a metadata array claiming 10^12 elements', 'GgufError GGUF_INVALID before any allocation', async () => {
    await expectTyped(load(patched((v, b) => {
      // Array value: u32 value type (9), u32 element type, u64 count.
      const at = after(b, 'tokenizer.ggml.tokens');
      expect(v.getUint32(at, true)).toBe(9);
      v.setBigUint64(at + 8, 10n ** 12n, true);
    })), 'GGUF_INVALID');
    await stillUsable();
  });
  faultCase('model file', 'a non-model file (HTML)', 'GgufError GGUF_INVALID', async () => {
    await expectTyped(load(new Blob(['<!doctype html><title>404</title>'])), 'GGUF_INVALID');
    await stillUsable();
  });
  faultCase('model file', 'an empty file', 'GgufError GGUF_INVALID', async () => {
    await expectTyped(load(new Blob([])), 'GGUF_INVALID');
    await stillUsable();
  });
  faultCase('model file', 'a model URL answering HTTP 404', 'NetworkError naming the URL', async () => {
    const err = await expectTyped(client.load('wllama', { kind: 'gguf-url', id: 'x', url: '/fixtures/tiny.gguf?status=404' }), 'NETWORK');
    expect(err.details.url).toContain('status=404');
    await stillUsable();
  });
  faultCase('model file', 'download dropped mid-file', 'NetworkError, nothing loaded', async () => {
    await expectTyped(client.load('wllama', { kind: 'gguf-url', id: 'x', url: '/fixtures/tiny.gguf?dropAfter=300000' }), 'NETWORK');
    await stillUsable();
  });
});

describe('bad generation requests', () => {
  beforeAll(stillUsable);
  const bad: [string, Partial<GenerateRequest> & Record<string, unknown>][] = [
    ['unknown role', { prompt: undefined, messages: [{ role: 'hacker', content: 'x' }] as never }],
    ['non-string content', { prompt: undefined, messages: [{ role: 'user', content: { html: '<b>' } }] as never }],
    ['empty messages', { prompt: undefined, messages: [] }],
    ['both prompt and messages', { messages: [{ role: 'user', content: 'x' }] }],
    ['NaN temperature', { temperature: Number.NaN }],
    ['negative temperature', { temperature: -1 }],
    ['top_p above 1', { topP: 1.5 }],
    ['negative max tokens', { maxTokens: -5 }],
    ['fractional max tokens', { maxTokens: 2.5 }],
    ['huge max tokens (10^9)', { maxTokens: 1e9 }],
    ['stop is not a string array', { stop: [1, 2] as never }],
    ['a 10 MB prompt', { prompt: 'x'.repeat(10 * 1024 * 1024) }],
    // Constraints over their limits (protocol/constraint-limits.ts), refused by the worker before any compile.
    ['a grammar of 1 MB', { grammar: `root ::= ${'"a" '.repeat(256 * 1024)}` }],
    ['a grammar repeating a rule 10^9 times', { grammar: 'root ::= "a"{0,1000000000}' }],
    ['a JSON schema nested 1 000 levels', { jsonSchema: JSON.parse(`${'{"items":'.repeat(1000)}{}${'}'.repeat(1000)}`) }],
    ['a RegExp source of 10 000 characters', { regexp: { source: 'a'.repeat(10_000), flags: '' } }],
  ];
  for (const [name, patch] of bad) {
    faultCase('request', name, 'InvalidRequestError INVALID_REQUEST; worker usable', async () => {
      await expectTyped(client.generate({ ...greedy(), ...patch } as GenerateRequest, () => {}), 'INVALID_REQUEST');
      const ok = await client.generate(greedy({ maxTokens: 2 }), () => {});
      expect(ok.usage.completionTokens).toBe(2);
    });
  }
  faultCase('request', 'generate before any model is loaded', 'ModelNotLoadedError MODEL_NOT_LOADED', async () => {
    const fresh = await EngineClient.start();
    try {
      await expectTyped(fresh.generate(greedy(), () => {}), 'MODEL_NOT_LOADED');
    } finally {
      fresh.terminate();
    }
  });
});
