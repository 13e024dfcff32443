/**
 * The calculator tool's arithmetic: a small recursive-descent parser over numbers, `+ - * / ^` and
 * parentheses. The expression comes from the model (untrusted), so it is parsed, never run as code (no
 * `eval`, no `Function`: the app's CSP forbids both anyway), and bounded: at most
 * `MAX_EXPRESSION_LENGTH` characters and `MAX_DEPTH` nested parentheses or signs, so a hostile input
 * costs linear time and bounded stack. Anything else — an unknown character, a dangling operator,
 * division by zero, a result that is not a finite real number — is a `CalculatorError` in words.
 *
 * Grammar (usual precedence; `^` binds tighter than a sign and is right-associative, so `-2^2` is -4
 * and `2^3^2` is 512):
 *
 *     expr    = term { ("+" | "-") term }
 *     term    = unary { ("*" | "/") unary }
 *     unary   = ("+" | "-") unary | power
 *     power   = primary [ "^" unary ]
 *     primary = number | "(" expr ")"
 *     number  = digits [ "." digits ] [ ("e" | "E") [ "+" | "-" ] digits ]  |  "." digits …
 */

/** The longest expression evaluated, in characters. */
export const MAX_EXPRESSION_LENGTH = 200;
/** The deepest nesting of parentheses and signs. */
export const MAX_DEPTH = 32;

/** An expression the calculator refuses, with the reason in words. */
export class CalculatorError extends Error {
  override readonly name = 'CalculatorError';
}

class Parser {
  private pos = 0;
  private depth = 0;

  constructor(private readonly src: string) {}

  parse(): number {
    const v = this.expr();
    this.skip();
    if (this.pos < this.src.length) throw new CalculatorError(`Unexpected "${this.src[this.pos]}" at position ${this.pos + 1}`);
    return v;
  }

  private skip(): void {
    while (this.pos < this.src.length && /\s/.test(this.src[this.pos]!)) this.pos++;
  }

  private peek(): string {
    this.skip();
    return this.src[this.pos] ?? '';
  }

  private enter(): void {
    if (++this.depth > MAX_DEPTH) throw new CalculatorError(`The expression is nested more than ${MAX_DEPTH} levels deep`);
  }

  private expr(): number {
    let v = this.term();
    for (let op = this.peek(); op === '+' || op === '-'; op = this.peek()) {
      this.pos++;
      const r = this.term();
      v = op === '+' ? v + r : v - r;
    }
    return v;
  }

  private term(): number {
    let v = this.unary();
    for (let op = this.peek(); op === '*' || op === '/'; op = this.peek()) {
      this.pos++;
      const r = this.unary();
      if (op === '/' && r === 0) throw new CalculatorError('Division by zero');
      v = op === '*' ? v * r : v / r;
    }
    return v;
  }

  private unary(): number {
    const op = this.peek();
    if (op === '+' || op === '-') {
      this.pos++;
      this.enter();
      const v = this.unary();
      this.depth--;
      return op === '-' ? -v : v;
    }
    return this.power();
  }

  private power(): number {
    const base = this.primary();
    if (this.peek() !== '^') return base;
    this.pos++;
    this.enter();
    const exp = this.unary();
    this.depth--;
    if (base === 0 && exp < 0) throw new CalculatorError('Division by zero');
    return base ** exp;
  }

  private primary(): number {
    const c = this.peek();
    if (c === '(') {
      this.pos++;
      this.enter();
      const v = this.expr();
      this.depth--;
      if (this.peek() !== ')') throw new CalculatorError(this.pos < this.src.length ? `Expected ")" at position ${this.pos + 1}` : 'Missing ")"');
      this.pos++;
      return v;
    }
    const m = /^(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/.exec(this.src.slice(this.pos));
    if (!m) throw new CalculatorError(c ? `Unexpected "${c}" at position ${this.pos + 1}` : 'The expression ends too early');
    this.pos += m[0].length;
    return Number(m[0]);
  }
}

/**
 * Evaluate an arithmetic expression. Throws `CalculatorError` for an empty, too long or malformed
 * expression, division by zero, and a result that is not a finite real number.
 */
export function calculate(expression: string): number {
  if (typeof expression !== 'string') throw new CalculatorError('The expression must be text');
  if (expression.length > MAX_EXPRESSION_LENGTH) {
    throw new CalculatorError(`The expression is longer than ${MAX_EXPRESSION_LENGTH} characters`);
  }
  if (!expression.trim()) throw new CalculatorError('The expression is empty');
  const v = new Parser(expression).parse();
  if (Number.isNaN(v)) throw new CalculatorError('The result is not a real number');
  if (!Number.isFinite(v)) throw new CalculatorError('The result is too large');
  return v;
}

/** A result as text, without binary floating-point noise (0.1 + 0.2 → "0.3"). */
export function formatNumber(v: number): string {
  return String(Number(v.toPrecision(15)));
}
