/**
 * Byte-level BPE (`gpt2` tokenizer model) as llama.cpp's `llm_tokenizer_bpe_session` does it: split the
 * text with the model's pre-tokenizer regexes, map every byte to GPT-2's printable characters, then
 * apply merges by rank (lowest first, ties leftmost) and look the symbols up in the vocabulary.
 */

/** Pre-tokenizer regexes by `tokenizer.ggml.pre`, as in llama.cpp's `llm_tokenizer_bpe`. */
const GPT2 = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)";
const LLAMA3 = "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
const QWEN2 = "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

export const PRE_TOKENIZERS: Record<string, string[]> = {
  default: [GPT2],
  gpt2: [GPT2],
  llama3: [LLAMA3],
  'llama-bpe': [LLAMA3],
  'llama-v3': [LLAMA3],
  qwen2: [QWEN2],
  smollm: ['\\p{N}', GPT2],
  starcoder: ['\\p{N}', GPT2],
  refact: ['\\p{N}', GPT2],
};

/** GPT-2's byte → printable character map, and its inverse. */
export const BYTE_TO_CHAR: string[] = (() => {
  const bs: number[] = [];
  for (let b = 33; b <= 126; b++) bs.push(b);
  for (let b = 161; b <= 172; b++) bs.push(b);
  for (let b = 174; b <= 255; b++) bs.push(b);
  const map: string[] = new Array<string>(256);
  for (const b of bs) map[b] = String.fromCodePoint(b);
  let n = 0;
  for (let b = 0; b < 256; b++) if (map[b] === undefined) map[b] = String.fromCodePoint(256 + n++);
  return map;
})();
export const CHAR_TO_BYTE = new Map(BYTE_TO_CHAR.map((c, b) => [c, b]));

/** Split `text` with each regex in turn; matched and unmatched stretches both stay as pieces. */
export function preTokenize(text: string, regexes: string[]): string[] {
  let pieces = [text];
  for (const src of regexes) {
    const re = new RegExp(src, 'gu');
    const next: string[] = [];
    for (const p of pieces) {
      let last = 0;
      for (const m of p.matchAll(re)) {
        if (m[0].length === 0) continue;
        if (m.index > last) next.push(p.slice(last, m.index));
        next.push(m[0]);
        last = m.index + m[0].length;
      }
      if (last < p.length) next.push(p.slice(last));
    }
    pieces = next;
  }
  return pieces;
}

/** What the BPE session needs from the vocabulary. */
export interface BpeVocab {
  tokenId(text: string): number | undefined;
  /** Merge rank of the pair `left right`, or undefined. */
  rank(left: string, right: string): number | undefined;
  ignoreMerges: boolean;
}

const encoder = new TextEncoder();

/** BPE one pre-tokenised word. Appends token ids to `out`. */
export function bpeWord(word: string, vocab: BpeVocab, out: number[]): void {
  const mapped = [...encoder.encode(word)].map((b) => BYTE_TO_CHAR[b]!).join('');
  if (vocab.ignoreMerges) {
    const id = vocab.tokenId(mapped);
    if (id !== undefined) { out.push(id); return; }
  }
  let syms = [...mapped];
  // Small words: a quadratic loop over the lowest-rank pair is simpler than llama.cpp's queue and
  // merges in the same order (lowest rank, then leftmost).
  for (;;) {
    let best = -1, bestRank = Infinity;
    for (let i = 0; i + 1 < syms.length; i++) {
      const r = vocab.rank(syms[i]!, syms[i + 1]!);
      if (r !== undefined && r < bestRank) { bestRank = r; best = i; }
    }
    if (best < 0) break;
    syms = [...syms.slice(0, best), syms[best]! + syms[best + 1]!, ...syms.slice(best + 2)];
  }
  for (const s of syms) {
    const id = vocab.tokenId(s);
    if (id !== undefined) { out.push(id); continue; }
    for (const ch of s) {
      const cid = vocab.tokenId(ch);
      if (cid !== undefined) out.push(cid);
    }
  }
}

/** Bytes of a BPE token's text (GPT-2 characters mapped back to bytes). */
export function bpeTokenBytes(text: string): Uint8Array {
  const out: number[] = [];
  for (const ch of text) {
    const b = CHAR_TO_BYTE.get(ch);
    if (b !== undefined) out.push(b);
    else out.push(...encoder.encode(ch));
  }
  return new Uint8Array(out);
}
