/**
 * RegExp → GBNF, so that wllama can enforce a Prompt API `responseConstraint` given as a RegExp while
 * sampling. Supported: literals and escapes, character classes (ranges, negation, `\d \w \s`), `.`,
 * groups (capturing, non-capturing, named), alternation, the quantifiers `* + ? {n} {n,} {n,m}` (lazy
 * or not), and `^`/`$` at the ends. Anything else — lookaround, backreferences, `\b`, the `i` flag —
 * returns `null`: the engine then samples freely and the output is only validated afterwards.
 *
 * Bounded: the source is at most `CONSTRAINT_LIMITS.regexpSource` characters (longer is an
 * `InvalidRequestError` naming the limit), repetition counts over `repetition` are relaxed (the output
 * is still matched against the real RegExp afterwards), and the grammar is at most `grammarBytes`.
 */
import { checkRegexpLimits, CONSTRAINT_LIMITS, limitExceeded, utf8Length } from '../protocol/constraint-limits';
import { boundedRepeat } from './json-schema-grammar';

class Unsupported extends Error {}

type Range = [number, number];

const CLASS_ESCAPES: Record<string, Range[]> = {
  d: [[48, 57]],
  w: [[48, 57], [65, 90], [95, 95], [97, 122]],
  s: [[9, 13], [32, 32], [160, 160], [0x2028, 0x2029], [0xfeff, 0xfeff]],
};
const CONTROL: Record<string, number> = { n: 10, r: 13, t: 9, f: 12, v: 11, '0': 0 };

function encode(cp: number): string {
  if (/[a-zA-Z0-9]/.test(String.fromCodePoint(cp))) return String.fromCodePoint(cp);
  const hex = cp.toString(16).toUpperCase();
  if (cp <= 0xff) return `\\x${hex.padStart(2, '0')}`;
  if (cp <= 0xffff) return `\\u${hex.padStart(4, '0')}`;
  return `\\U${hex.padStart(8, '0')}`;
}

const renderClass = (ranges: Range[], negate: boolean) =>
  `[${negate ? '^' : ''}${ranges.map(([lo, hi]) => (lo === hi ? encode(lo) : `${encode(lo)}-${encode(hi)}`)).join('')}]`;

class Parser {
  i = 0;
  constructor(private readonly src: string, private readonly dotAll: boolean) {}

  private peek(): string | undefined {
    return this.src[this.i];
  }

  alternation(): string {
    const seqs = [this.sequence()];
    while (this.peek() === '|') {
      this.i++;
      seqs.push(this.sequence());
    }
    return seqs.length === 1 ? seqs[0]! : `(${seqs.join(' | ')})`;
  }

  private sequence(): string {
    const items: string[] = [];
    for (let c = this.peek(); c !== undefined && c !== '|' && c !== ')'; c = this.peek()) {
      if (c === '^' && this.i === 0) { this.i++; continue; }
      if (c === '$' && this.i === this.src.length - 1) { this.i++; continue; }
      const atom = this.atom();
      items.push(atom + this.quantifier());
    }
    return items.length ? `(${items.join(' ')})` : '""';
  }

  private quantifier(): string {
    const c = this.peek();
    let q: string;
    if (c === '*' || c === '+' || c === '?') {
      this.i++;
      q = c;
    } else if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(this.src.slice(this.i));
      if (!m) throw new Unsupported('bad quantifier');
      this.i += m[0].length;
      const min = Number(m[1]);
      if (m[2] === undefined) q = min > CONSTRAINT_LIMITS.repetition ? boundedRepeat(min, undefined) : `{${min}}`;
      else q = boundedRepeat(min, m[3] ? Number(m[3]) : undefined);
    } else {
      return '';
    }
    if (this.peek() === '?') this.i++; // lazy: same language
    return q;
  }

  private atom(): string {
    const c = this.src[this.i++]!;
    if (c === '(') {
      if (this.src.startsWith('?:', this.i)) this.i += 2;
      else if (this.src.startsWith('?<', this.i) && /^\?<[A-Za-z_$][\w$]*>/.test(this.src.slice(this.i))) this.i = this.src.indexOf('>', this.i) + 1;
      else if (this.peek() === '?') throw new Unsupported('lookaround');
      const inner = this.alternation();
      if (this.src[this.i++] !== ')') throw new Unsupported('unbalanced group');
      return inner;
    }
    if (c === '[') return this.charClass();
    if (c === '.') return this.dotAll ? '[\\x00-\\U0010FFFF]' : '[^\\x0A\\x0D\\u2028\\u2029]';
    if (c === '\\') {
      const e = this.src[this.i++];
      if (e === undefined) throw new Unsupported('trailing backslash');
      const cls = CLASS_ESCAPES[e.toLowerCase()];
      if (cls) return renderClass(cls, e !== e.toLowerCase());
      const cp = this.escapedChar(e);
      return renderClass([[cp, cp]], false);
    }
    if ('*+?{}|)$^'.includes(c)) throw new Unsupported(`unexpected ${c}`);
    const cp = this.src.codePointAt(this.i - 1)!;
    if (cp > 0xffff) this.i++;
    return renderClass([[cp, cp]], false);
  }

  /** The code point of an escape (after the backslash). */
  private escapedChar(e: string): number {
    if (e in CONTROL && !(e === '0' && /\d/.test(this.peek() ?? ''))) return CONTROL[e]!;
    if (e === 'x' || e === 'u') {
      const m = e === 'x' ? /^[0-9a-fA-F]{2}/.exec(this.src.slice(this.i)) : /^([0-9a-fA-F]{4}|\{[0-9a-fA-F]{1,6}\})/.exec(this.src.slice(this.i));
      if (!m) throw new Unsupported('bad escape');
      this.i += m[0].length;
      return parseInt(m[0].replace(/[{}]/g, ''), 16);
    }
    if (/[1-9bBkpPc]/.test(e)) throw new Unsupported(`\\${e}`);
    return e.codePointAt(0)!;
  }

  private charClass(): string {
    const negate = this.peek() === '^';
    if (negate) this.i++;
    const ranges: Range[] = [];
    const one = (): Range[] | number => {
      const c = this.src[this.i++];
      if (c === undefined) throw new Unsupported('unterminated class');
      if (c !== '\\') return this.src.codePointAt(this.i - 1)!;
      const e = this.src[this.i++]!;
      const cls = CLASS_ESCAPES[e];
      if (cls) return cls;
      if (CLASS_ESCAPES[e.toLowerCase()]) throw new Unsupported('negated escape in a class');
      return this.escapedChar(e);
    };
    while (this.peek() !== ']') {
      const lo = one();
      if (Array.isArray(lo)) { ranges.push(...lo); continue; }
      if (this.peek() === '-' && this.src[this.i + 1] !== ']' && this.src[this.i + 1] !== undefined) {
        this.i++;
        const hi = one();
        if (Array.isArray(hi) || hi < lo) throw new Unsupported('bad range');
        ranges.push([lo, hi]);
      } else {
        ranges.push([lo, lo]);
      }
    }
    this.i++;
    if (ranges.length === 0) throw new Unsupported('empty class');
    return renderClass(ranges, negate);
  }
}

/**
 * A GBNF grammar whose language is the strings `re` matches as a whole, or `null` if `re` is beyond it.
 * Takes a RegExp or its `{source, flags}` (what crosses a worker boundary).
 */
export function regexpToGbnf(re: RegExp | { source: string; flags: string }, field = 'regexp'): string | null {
  checkRegexpLimits(re.source, re.flags, field);
  if (re.flags.includes('i') || re.flags.includes('v')) return null;
  try {
    const p = new Parser(re.source, re.flags.includes('s'));
    const expr = p.alternation();
    if (p.i !== re.source.length) return null;
    const grammar = `root ::= ${expr}`;
    const bytes = utf8Length(grammar);
    if (bytes > CONSTRAINT_LIMITS.grammarBytes) throw limitExceeded('grammarBytes', bytes, 'The grammar built from the RegExp', field);
    return grammar;
  } catch (e) {
    if (e instanceof Unsupported) return null;
    throw e;
  }
}
