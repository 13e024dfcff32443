import { describe, expect, test } from 'vitest';
import { Tokenizer } from './tokenizer';
import { BYTE_TO_CHAR, preTokenize, PRE_TOKENIZERS } from './bpe';
import { readGgufHeader, type GgufHeader } from '../../models/gguf-header';
import { TINY_SPEC, buildTinyLlamaGguf } from '../../../test/fixtures/gguf-writer';

const decode = (tok: Tokenizer, ids: number[]) => {
  const parts = ids.map((i) => tok.tokenBytes(i));
  const all = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) { all.set(p, o); o += p.length; }
  return new TextDecoder().decode(all);
};

describe('SentencePiece (llama) tokenizer from the fixture GGUF', async () => {
  const bytes = buildTinyLlamaGguf(TINY_SPEC);
  const tok = new Tokenizer(await readGgufHeader(new Blob([bytes as BlobPart]), {}, { keepNumericArrays: true }));

  test('BOS, a space prefix, and the highest-scoring merges', () => {
    const ids = tok.encode('the model is');
    expect(ids[0]).toBe(1);
    expect(ids.slice(1).map((i) => tok.tokens[i]).join('')).toBe('\u2581the\u2581model\u2581is');
    expect(tok.encode('the model is', { addSpecial: false })).toEqual(ids.slice(1));
    expect(decode(tok, ids)).toBe(' the model is');
  });

  test('characters outside the vocabulary fall back to <0xNN> byte tokens', () => {
    const ids = tok.encode('日', { addSpecial: false });
    // "▁" then the three UTF-8 bytes of 日
    expect(ids.map((i) => tok.tokens[i])).toEqual(['\u2581', '<0xE6>', '<0x97>', '<0xA5>']);
    expect(decode(tok, ids)).toBe(' 日');
  });

  test('special tokens are parsed out of the text only when asked, and render as nothing', () => {
    const start = tok.tokens.indexOf('<|im_start|>');
    const withSpecial = tok.encode('<|im_start|>user', { addSpecial: false });
    expect(withSpecial[0]).toBe(start);
    expect(tok.tokens[withSpecial[1]!]!.startsWith('\u2581')).toBe(true); // llama.cpp: space prefix after a special token
    const literal = tok.encode('<|im_start|>user', { addSpecial: false, parseSpecial: false });
    expect(literal).not.toContain(start);
    expect(decode(tok, [start])).toBe('');
    expect(new TextDecoder().decode(tok.tokenBytes(start, true))).toBe('<|im_start|>');
  });

  test('end-of-generation tokens include EOS and <|im_end|>', () => {
    expect(tok.eog.has(tok.tokens.indexOf('<|im_end|>'))).toBe(true);
    expect(tok.eos).toBe(tok.tokens.indexOf('<|im_end|>'));
    expect(tok.byteTokenIds()).toHaveLength(256);
  });
});

describe('byte-level BPE (gpt2) tokenizer', () => {
  const bytesChars = BYTE_TO_CHAR.slice();
  const merges = ['Ġ t', 'h e', 'Ġt he', 't he', 'i s'];
  const tokens = [...bytesChars, 'Ġt', 'he', 'Ġthe', 'the', 'is', '<|endoftext|>'];
  const header: GgufHeader = {
    version: 3, tensors: [], dataOffset: 0, dataBytes: 0, fileSize: 0,
    metadata: {
      'tokenizer.ggml.model': 'gpt2', 'tokenizer.ggml.pre': 'gpt2', 'tokenizer.ggml.tokens': tokens,
      'tokenizer.ggml.merges': merges, 'tokenizer.ggml.token_type': tokens.map((t) => (t === '<|endoftext|>' ? 3 : 1)),
      'tokenizer.ggml.bos_token_id': tokens.length - 1, 'tokenizer.ggml.eos_token_id': tokens.length - 1,
    },
  };
  const tok = new Tokenizer(header);

  test('pre-tokenises like GPT-2 and applies merges by rank', () => {
    expect(preTokenize("the cat's  3 is", PRE_TOKENIZERS.gpt2!)).toEqual(['the', ' cat', "'s", ' ', ' 3', ' is']);
    const ids = tok.encode('the the is');
    expect(ids.map((i) => tok.tokens[i])).toEqual(['the', 'Ġthe', 'Ġ', 'is']);
    expect(tok.addBos).toBe(false);
  });

  test('any text round-trips through byte-level tokens', () => {
    const text = 'héllo 日本 🙂\n\tend';
    expect(decode(tok, tok.encode(text))).toBe(text);
  });

  test('special tokens split out, EOS is end-of-generation', () => {
    const ids = tok.encode('is<|endoftext|>');
    expect(ids.at(-1)).toBe(tokens.length - 1);
    expect(tok.eog.has(tokens.length - 1)).toBe(true);
  });
});
