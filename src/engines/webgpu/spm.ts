/**
 * SentencePiece-style (`llama`) tokenisation as llama.cpp's `llm_tokenizer_spm_session` does it: split
 * into characters, repeatedly merge the adjacent pair whose merged text is a vocabulary token with the
 * highest score (ties: leftmost first), then emit each symbol's token — or its UTF-8 bytes as `<0xNN>`
 * tokens when the symbol is not in the vocabulary (byte fallback).
 */

interface Symbol { start: number; n: number; prev: number; next: number }
interface Bigram { left: number; right: number; score: number; size: number }

/** Max-heap ordered as llama.cpp's `llm_bigram_spm::comparator`: higher score, then smaller `left`. */
class BigramQueue {
  private heap: Bigram[] = [];
  private before(a: Bigram, b: Bigram): boolean {
    return a.score > b.score || (a.score === b.score && a.left < b.left);
  }
  get size(): number { return this.heap.length; }
  push(b: Bigram): void {
    const h = this.heap;
    h.push(b);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.before(h[i]!, h[p]!)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }
  pop(): Bigram {
    const h = this.heap;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1, r = l + 1;
        let m = i;
        if (l < h.length && this.before(h[l]!, h[m]!)) m = l;
        if (r < h.length && this.before(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    return top;
  }
}

/** What the SPM session needs from the vocabulary. */
export interface SpmVocab {
  tokenId(text: string): number | undefined;
  score(id: number): number;
  byteToken(byte: number): number;
}

const encoder = new TextEncoder();

/** Tokenise one raw-text fragment (spaces already escaped to `▁`). Appends to `out`. */
export function spmTokenize(text: string, vocab: SpmVocab, out: number[]): void {
  const symbols: Symbol[] = [];
  for (let offs = 0; offs < text.length;) {
    const cp = text.codePointAt(offs)!;
    const n = cp > 0xffff ? 2 : 1;
    symbols.push({ start: offs, n, prev: symbols.length - 1, next: offs + n >= text.length ? -1 : symbols.length + 1 });
    offs += n;
  }
  if (symbols.length === 0) return;
  const queue = new BigramQueue();
  const revMerge = new Map<string, [number, number]>();
  const tryAdd = (left: number, right: number) => {
    if (left === -1 || right === -1) return;
    const l = symbols[left]!, r = symbols[right]!;
    const s = text.slice(l.start, l.start + l.n + r.n);
    const id = vocab.tokenId(s);
    if (id === undefined) return;
    queue.push({ left, right, score: vocab.score(id), size: s.length });
    revMerge.set(s, [left, right]);
  };
  for (let i = 1; i < symbols.length; i++) tryAdd(i - 1, i);
  while (queue.size) {
    const b = queue.pop();
    const l = symbols[b.left]!, r = symbols[b.right]!;
    if (l.n === 0 || r.n === 0 || l.n + r.n !== b.size) continue;
    l.n += r.n;
    r.n = 0;
    l.next = r.next;
    if (r.next >= 0) symbols[r.next]!.prev = b.left;
    tryAdd(l.prev, b.left);
    tryAdd(b.left, l.next);
  }
  const resegment = (sym: Symbol) => {
    const s = text.slice(sym.start, sym.start + sym.n);
    const id = vocab.tokenId(s);
    if (id !== undefined) { out.push(id); return; }
    const p = revMerge.get(s);
    if (!p) {
      for (const byte of encoder.encode(s)) out.push(vocab.byteToken(byte));
      return;
    }
    resegment(symbols[p[0]]!);
    resegment(symbols[p[1]]!);
  };
  for (let i = 0; i !== -1; i = symbols[i]!.next) resegment(symbols[i]!);
}
