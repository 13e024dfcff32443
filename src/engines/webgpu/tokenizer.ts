/**
 * The tokenizer of a GGUF model, built from its metadata the way llama.cpp's `llama_vocab` builds it:
 * `llama` (SentencePiece) and `gpt2` (byte-level BPE) models, special tokens split out of the text
 * first (longest first, as `tokenizer_st_partition`), BOS/EOS added per `add_bos_token`, and token →
 * bytes for detokenisation (control tokens render as nothing, as llama.cpp's server does).
 */
import { UnsupportedModelError } from '../../errors';
import type { GgufHeader } from '../../models/gguf-header';
import { PRE_TOKENIZERS, bpeTokenBytes, bpeWord, preTokenize } from './bpe';
import { spmTokenize } from './spm';

/** llama.cpp token types (`tokenizer.ggml.token_type`). */
export const TOKEN_TYPE = { NORMAL: 1, UNKNOWN: 2, CONTROL: 3, USER_DEFINED: 4, UNUSED: 5, BYTE: 6 } as const;

/** Texts llama.cpp treats as end-of-generation wherever they appear in a vocabulary. */
const EOG_TEXTS = new Set(['<|eot_id|>', '<|im_end|>', '<|end|>', '<|return|>', '<|call|>', '<end_of_turn>', '<|endoftext|>',
  '<|eom_id|>', '<EOT>', '_<EOT>', '<|end_of_text|>', '<end_of_utterance>']);

export interface EncodeOptions {
  /** Add BOS (and EOS) as the model's metadata asks. Default true. */
  addSpecial?: boolean;
  /** Recognise special-token texts (`<|im_start|>`) in the input. Default true. */
  parseSpecial?: boolean;
}

const encoder = new TextEncoder();

export class Tokenizer {
  readonly kind: 'llama' | 'gpt2';
  readonly tokens: string[];
  readonly bos: number | null;
  readonly eos: number | null;
  readonly addBos: boolean;
  readonly addEos: boolean;
  /** End-of-generation tokens (EOS, EOT, `<|im_end|>`…). */
  readonly eog: Set<number>;
  private readonly types: number[];
  private readonly scores: number[];
  private readonly ids = new Map<string, number>();
  private readonly specials: number[];
  private readonly ranks = new Map<string, number>();
  private readonly preRegexes: string[];
  private readonly ignoreMerges: boolean;
  private readonly addSpacePrefix: boolean;
  private readonly byteTokens = new Int32Array(256).fill(-1);

  constructor(h: GgufHeader) {
    const m = h.metadata;
    const model = String(m['tokenizer.ggml.model'] ?? '');
    if (model !== 'llama' && model !== 'gpt2') {
      throw new UnsupportedModelError(`Tokenizer model ${model || '(none)'} is not supported (llama, gpt2)`, { tokenizer: model });
    }
    this.kind = model;
    const tokens = m['tokenizer.ggml.tokens'];
    if (!Array.isArray(tokens) || tokens.length === 0) throw new UnsupportedModelError('GGUF has no tokenizer.ggml.tokens', {});
    this.tokens = tokens.map(String);
    const arr = (k: string, d: number) => {
      const v = m[k];
      return Array.isArray(v) && v.length === this.tokens.length ? v.map(Number) : this.tokens.map(() => d);
    };
    this.scores = arr('tokenizer.ggml.scores', 0);
    this.types = arr('tokenizer.ggml.token_type', TOKEN_TYPE.NORMAL);
    this.tokens.forEach((t, i) => this.ids.set(t, i));
    const id = (k: string, d: number | null) => (typeof m[k] === 'number' ? (m[k] as number) : d);
    const flag = (k: string, d: boolean) => (typeof m[k] === 'boolean' ? (m[k] as boolean) : d);
    this.bos = id('tokenizer.ggml.bos_token_id', model === 'llama' ? 1 : 11);
    this.eos = id('tokenizer.ggml.eos_token_id', model === 'llama' ? 2 : 11);
    this.addBos = flag('tokenizer.ggml.add_bos_token', model === 'llama') && this.bos !== null;
    this.addEos = flag('tokenizer.ggml.add_eos_token', false) && this.eos !== null;
    this.addSpacePrefix = flag('tokenizer.ggml.add_space_prefix', model === 'llama');
    this.eog = new Set<number>();
    for (const k of ['tokenizer.ggml.eos_token_id', 'tokenizer.ggml.eot_token_id', 'tokenizer.ggml.eom_token_id']) {
      const v = id(k, null);
      if (v !== null) this.eog.add(v);
    }
    if (this.eos !== null) this.eog.add(this.eos);
    this.tokens.forEach((t, i) => {
      if (EOG_TEXTS.has(t)) {
        this.eog.add(i);
        this.types[i] = TOKEN_TYPE.CONTROL; // llama.cpp forces EOG texts to control tokens
      }
    });
    // Special tokens are split out of the text before the model's tokenizer runs, longest first.
    const special = new Set<number>([TOKEN_TYPE.CONTROL, TOKEN_TYPE.USER_DEFINED, TOKEN_TYPE.UNKNOWN]);
    this.specials = this.tokens.map((_, i) => i).filter((i) => special.has(this.types[i]!) && this.tokens[i]!.length > 0)
      .sort((a, b) => encoder.encode(this.tokens[b]!).length - encoder.encode(this.tokens[a]!).length || a - b);
    this.tokens.forEach((t, i) => {
      const mm = /^<0x([0-9A-Fa-f]{2})>$/.exec(t);
      if (mm && this.types[i] === TOKEN_TYPE.BYTE) this.byteTokens[parseInt(mm[1]!, 16)] = i;
    });
    const merges = m['tokenizer.ggml.merges'];
    if (model === 'gpt2') {
      if (!Array.isArray(merges)) throw new UnsupportedModelError('A gpt2 tokenizer needs tokenizer.ggml.merges', {});
      merges.forEach((s, r) => this.ranks.set(String(s), r));
    }
    const pre = String(m['tokenizer.ggml.pre'] ?? 'default');
    this.preRegexes = PRE_TOKENIZERS[pre] ?? PRE_TOKENIZERS.default!;
    this.ignoreMerges = pre === 'llama3' || pre === 'llama-bpe' || pre === 'llama-v3';
  }

  get vocabSize(): number { return this.tokens.length; }

  /** Text → token ids. */
  encode(text: string, opts: EncodeOptions = {}): number[] {
    const addSpecial = opts.addSpecial ?? true;
    const out: number[] = [];
    let prevSpecial = true; // SPM prefixes a space to text that starts the input or follows a special token
    if (addSpecial && this.addBos) out.push(this.bos!);
    for (const frag of this.partition(text, opts.parseSpecial ?? true)) {
      if (typeof frag === 'number') {
        out.push(frag);
        prevSpecial = true;
        continue;
      }
      if (this.kind === 'llama') {
        const s = (this.addSpacePrefix && prevSpecial ? ' ' : '') + frag;
        spmTokenize(s.replaceAll(' ', '\u2581'), {
          tokenId: (t) => this.ids.get(t),
          score: (i) => this.scores[i]!,
          byteToken: (b) => (this.byteTokens[b]! >= 0 ? this.byteTokens[b]! : this.ids.get('<unk>') ?? 0),
        }, out);
      } else {
        const vocab = { tokenId: (t: string) => this.ids.get(t), rank: (a: string, b: string) => this.ranks.get(`${a} ${b}`), ignoreMerges: this.ignoreMerges };
        for (const word of preTokenize(frag, this.preRegexes)) bpeWord(word, vocab, out);
      }
      prevSpecial = false;
    }
    if (addSpecial && this.addEos) out.push(this.eos!);
    return out;
  }

  /** Split out special-token texts: numbers are special token ids, strings raw text. */
  private partition(text: string, parseSpecial: boolean): (string | number)[] {
    let frags: (string | number)[] = [text];
    for (const sid of this.specials) {
      const type = this.types[sid];
      if (!parseSpecial && type !== TOKEN_TYPE.USER_DEFINED) continue;
      const st = this.tokens[sid]!;
      if (!text.includes(st)) continue;
      const next: (string | number)[] = [];
      for (const f of frags) {
        if (typeof f === 'number') { next.push(f); continue; }
        let from = 0;
        for (let at = f.indexOf(st); at >= 0; at = f.indexOf(st, from)) {
          if (at > from) next.push(f.slice(from, at));
          next.push(sid);
          from = at + st.length;
        }
        if (from < f.length) next.push(f.slice(from));
      }
      frags = next;
    }
    return frags;
  }

  /** The bytes a token stands for; control and unknown tokens are empty unless `special`. */
  tokenBytes(id: number, special = false): Uint8Array {
    const type = this.types[id];
    const text = this.tokens[id];
    if (text === undefined) return new Uint8Array(0);
    if (type === TOKEN_TYPE.CONTROL || type === TOKEN_TYPE.UNKNOWN) return special ? encoder.encode(text) : new Uint8Array(0);
    if (type === TOKEN_TYPE.USER_DEFINED) return encoder.encode(text);
    if (type === TOKEN_TYPE.BYTE) {
      const mm = /^<0x([0-9A-Fa-f]{2})>$/.exec(text);
      return mm ? new Uint8Array([parseInt(mm[1]!, 16)]) : new Uint8Array(0);
    }
    if (type !== TOKEN_TYPE.NORMAL) return new Uint8Array(0);
    return this.kind === 'llama' ? encoder.encode(text.replaceAll('\u2581', ' ')) : bpeTokenBytes(text);
  }

  /** Ids of the byte tokens `<0x00>`…`<0xFF>` (SentencePiece byte fallback), where present. */
  byteTokenIds(): number[] {
    return [...this.byteTokens].filter((i) => i >= 0);
  }

  /** A token's text as stored (for chat templates: `bos_token`, `eos_token`). */
  tokenText(id: number | null): string {
    return id === null ? '' : this.tokens[id] ?? '';
  }
}
