/**
 * Tool calling, the parts every engine and API share (pure; used in engine workers and on the page):
 *
 * - **The prompt.** A chat template that renders `tools` itself is used as the model's own format:
 *   Hermes / Qwen 2.5–3 templates (`<tool_call>` blocks) and Llama 3.x templates (a bare JSON object with
 *   `parameters`). Any other template gets the **generic fallback**: the tool list is written into the
 *   system message in the Hermes format (the most widely trained one), earlier tool calls become
 *   `<tool_call>` text in their assistant messages and tool results become `<tool_response>` user turns.
 * - **The grammar** (`toolCallGrammar`): the calls a reply may hold, as GBNF, each call's arguments
 *   compiled from its tool's JSON Schema (`json-schema-grammar.ts`). `required` and a named function force
 *   a call; `auto` lets the reply be text that does not begin like a call, or calls — so even a tiny
 *   model emits calls that parse. It is compiled in the engine worker, within `CONSTRAINT_LIMITS`.
 * - **The parser** (`ToolCallParser`): the reply's text → content and calls, incrementally, so that a
 *   stream can send each call's name as soon as it is known and its arguments as they are generated, the
 *   way OpenAI streams `delta.tool_calls`. It understands both formats, whatever the engine did; text
 *   that stops looking like a call is content. Linear in the reply's length.
 */
import { gbnfLiteral, schemaGbnfRules } from './json-schema-grammar';
import { CONSTRAINT_LIMITS, limitExceeded, utf8Length } from '../protocol/constraint-limits';
import type { ChatMessage, ToolCall, ToolChoice, ToolDefinition } from '../protocol/engine';

/** How the model writes calls: its template's format, or the generic fallback (Hermes tags, our prompt). */
export type ToolStyle = 'hermes' | 'llama3' | 'generic';

interface CallFormat {
  /** Text before the function's name. */
  open: string;
  /** Between the name and the arguments. */
  mid: string;
  /** After the arguments. */
  close: string;
  /** Between two calls; null: one call per reply. */
  sep: string | null;
  /** `close` also occurs inside the arguments: the call ends only with the reply. */
  closeAtEnd: boolean;
}

const HERMES: CallFormat = { open: '<tool_call>\n{"name": "', mid: '", "arguments": ', close: '}\n</tool_call>', sep: '\n', closeAtEnd: false };
const LLAMA3: CallFormat = { open: '{"name": "', mid: '", "parameters": ', close: '}', sep: null, closeAtEnd: true };
const FORMATS = [HERMES, LLAMA3] as const;

const formatOf = (style: ToolStyle): CallFormat => (style === 'llama3' ? LLAMA3 : HERMES);

/**
 * The style a chat template supports: one that reads `tools` and writes `<tool_call>` is Hermes-style
 * (Qwen 2.5/3, Hermes 2/3), one that reads `tools` and renders results as `ipython` with `"parameters"`
 * is Llama 3.x; anything else (no template, or one without tools) gets the generic fallback.
 */
export function templateToolStyle(source: string | null | undefined): ToolStyle {
  if (!source || !/\{[{%][^}]*\btools\b/.test(source)) return 'generic'; // `tools` read inside a Jinja tag
  if (source.includes('<tool_call>')) return 'hermes';
  if (source.includes('ipython') && source.includes('"parameters"')) return 'llama3';
  return 'generic';
}

/** Whether a request involves tools: tools offered, or tool calls / results in its history. */
export function usesTools(r: { tools?: ToolDefinition[]; messages?: ChatMessage[] }): boolean {
  return (r.tools?.length ?? 0) > 0 || (r.messages?.some((m) => m.role === 'tool' || (m.toolCalls?.length ?? 0) > 0) ?? false);
}

/** A tool as OpenAI (and the chat templates trained on it) write it. */
export function toolJson(t: ToolDefinition): { type: 'function'; function: { name: string; description?: string; parameters: Record<string, unknown> } } {
  return {
    type: 'function',
    function: { name: t.name, ...(t.description !== undefined ? { description: t.description } : {}), parameters: t.parameters ?? { type: 'object', properties: {} } },
  };
}

/** A call as the Hermes format writes it (the arguments as the model wrote them). */
const hermesCall = (c: ToolCall) => `${HERMES.open}${c.name}${HERMES.mid}${c.arguments.trim() || '{}'}${HERMES.close}`;

/** The generic fallback's system prompt: the tools and the format of a call (Hermes / Qwen's wording). */
export function genericToolPrompt(tools: readonly ToolDefinition[], choice: ToolChoice = 'auto', parallel = true): string {
  const must = choice === 'required' ? '\nYou must call at least one function.'
    : typeof choice === 'object' ? `\nYou must call the function ${choice.name}.` : '';
  return [
    '# Tools',
    '',
    'You may call one or more functions to assist with the user query.',
    '',
    'You are provided with function signatures within <tools></tools> XML tags:',
    '<tools>',
    ...tools.map((t) => JSON.stringify(toolJson(t))),
    '</tools>',
    '',
    `For each function call, return a json object with function name and arguments within <tool_call></tool_call> XML tags:${parallel ? '' : ' (one call at most)'}`,
    '<tool_call>',
    '{"name": <function-name>, "arguments": <args-json-object>}',
    `</tool_call>${must}`,
  ].join('\n');
}

/**
 * The conversation a template renders for a request with tools. A template with its own tool format
 * gets the messages as they are (their tool fields included) and the tools; the generic fallback gets
 * plain messages: the tool prompt appended to the system message (or a new one), earlier calls as
 * `<tool_call>` text, each run of tool results as one user turn of `<tool_response>` blocks.
 */
export function toolConversation(
  messages: readonly ChatMessage[], tools: readonly ToolDefinition[] | undefined, style: ToolStyle, choice: ToolChoice = 'auto', parallel = true,
): { messages: ChatMessage[]; tools: ToolDefinition[] | undefined } {
  const offered = tools?.length ? [...tools] : undefined;
  if (style !== 'generic') return { messages: [...messages], tools: offered };
  const out: ChatMessage[] = [];
  for (const m of messages) {
    if (m.role === 'tool') {
      const block = `<tool_response>\n${m.content}\n</tool_response>`;
      const last = out.at(-1);
      if (last?.role === 'user' && last.content.startsWith('<tool_response>')) last.content += `\n${block}`;
      else out.push({ role: 'user', content: block });
    } else if (m.toolCalls?.length) {
      out.push({ role: m.role, content: [m.content, ...m.toolCalls.map(hermesCall)].filter(Boolean).join('\n') });
    } else {
      out.push({ ...m });
    }
  }
  if (offered) {
    const prompt = genericToolPrompt(offered, choice, parallel);
    if (out[0]?.role === 'system') out[0] = { ...out[0], content: `${out[0].content}\n\n${prompt}` };
    else out.unshift({ role: 'system', content: prompt });
  }
  return { messages: out, tools: undefined };
}

/** What else the reply may be under `auto`: text not beginning like a call (default), or JSON (`response_format`). */
export type FreeReply = { kind: 'text' } | { kind: 'json'; schema?: Record<string, unknown> };

/**
 * The GBNF grammar of a reply under `choice` (default `auto`): one call (or, with `parallel` and a
 * format that has them, several, one per line) of the offered tools, each call's arguments shaped by its
 * tool's schema; under `auto`, or `free` instead. Over a limit: `InvalidRequestError` (`details.limit`).
 */
export function toolCallGrammar(o: {
  tools: readonly ToolDefinition[]; style: ToolStyle; choice?: ToolChoice | undefined; parallel?: boolean | undefined; free?: FreeReply | undefined;
}): string {
  const f = formatOf(o.style);
  const choice = o.choice ?? 'auto';
  const rules = new Map<string, string>();
  const merge = (more: Map<string, string>) => { for (const [k, v] of more) rules.set(k, v); };
  const alts: string[] = [];
  o.tools.forEach((t, i) => {
    if (typeof choice === 'object' && t.name !== choice.name) return;
    const { expr, rules: r } = schemaGbnfRules(t.parameters, `t${i}-`, `tools[${i}].parameters`);
    merge(r);
    alts.push(`${gbnfLiteral(`${f.open}${t.name}${f.mid}`)} ${expr} ${gbnfLiteral(f.close)}`);
  });
  const lines = [`tool-call ::= ${alts.join(' | ')}`];
  lines.push(o.parallel !== false && f.sep ? `tool-calls ::= tool-call (${gbnfLiteral(f.sep)} tool-call)*` : 'tool-calls ::= tool-call');
  if (choice === 'auto') {
    const free = o.free ?? { kind: 'text' };
    if (free.kind === 'json') {
      const { expr, rules: r } = schemaGbnfRules(free.schema, 'f-', 'jsonSchema');
      merge(r);
      lines.push(`free-reply ::= ${expr}`);
    } else {
      // Text that does not begin like a call (or nothing): once the model starts a call, it is held to it.
      lines.push(`free-reply ::= ( [^${f.open[0] === '<' ? '<' : '{'}] [^\\x00]* )?`);
    }
    lines.unshift('root ::= tool-calls | free-reply');
  } else {
    lines.unshift('root ::= tool-calls');
  }
  for (const [name, body] of rules) lines.push(`${name} ::= ${body}`);
  const grammar = lines.join('\n');
  if (rules.size + lines.length > CONSTRAINT_LIMITS.grammarRules) throw limitExceeded('grammarRules', rules.size + lines.length, 'The grammar built from the tools', 'tools');
  const bytes = utf8Length(grammar);
  if (bytes > CONSTRAINT_LIMITS.grammarBytes) throw limitExceeded('grammarBytes', bytes, 'The grammar built from the tools', 'tools');
  return grammar;
}

/** A piece of a call as a stream reports it: the first piece of each call has `id` and `name`. */
export interface ToolCallDelta {
  index: number;
  id?: string;
  name?: string;
  arguments: string;
}

/** What one `push()` or `end()` yields: content to show, and call pieces. */
export interface ParsedPiece {
  content: string;
  calls: ToolCallDelta[];
}

/** An OpenAI-style call id. */
export const newToolCallId = (): string => `call_${crypto.randomUUID().replace(/-/g, '').slice(0, 24)}`;

type Phase = 'undecided' | 'text' | 'name' | 'mid' | 'args' | 'after';

/**
 * Splits a reply into content and tool calls as it is generated. Feed it every piece of text with
 * `push()`, then call `end()`; `calls` and `content` hold the totals. Only names among `names` make a
 * call: anything else (a reply that merely begins with `<` or `{`) is content. Text after the last call
 * (which a grammar-constrained reply never has) is content too.
 */
export class ToolCallParser {
  private text = '';
  private phase: Phase = 'undecided';
  private format: CallFormat = HERMES;
  /** Where the text not yet consumed starts. */
  private pos = 0;
  /** Where the call being read starts (its separator included). */
  private callStart = 0;
  private name = '';
  private argsStart = 0;
  private argsSent = 0;
  private id = '';
  readonly calls: ToolCall[] = [];
  content = '';
  /** The last call's arguments were cut off (the reply ended inside them). */
  incomplete = false;

  constructor(private readonly names: ReadonlySet<string>, private readonly newId: () => string = newToolCallId) {}

  push(piece: string): ParsedPiece {
    this.text += piece;
    const out: ParsedPiece = { content: '', calls: [] };
    this.scan(out, false);
    return out;
  }

  end(): ParsedPiece {
    const out: ParsedPiece = { content: '', calls: [] };
    this.scan(out, true);
    if (this.phase === 'args') {
      const f = this.format;
      const rest = this.text.slice(this.argsStart);
      const whole = f.closeAtEnd && rest.endsWith(f.close);
      const args = whole ? rest.slice(0, -f.close.length) : rest;
      if (args.length > this.argsSent) out.calls.push({ index: this.calls.length, arguments: args.slice(this.argsSent) });
      this.calls.push({ id: this.id, name: this.name, arguments: args });
      this.incomplete = !whole;
      this.phase = 'after';
      this.pos = this.text.length;
    } else if (this.phase === 'undecided' || this.phase === 'name' || this.phase === 'mid') {
      // A call cut off before its arguments began was never reported: it is text.
      this.toText(out, this.calls.length === 0 ? 0 : this.callStart);
    }
    if (this.phase === 'after' && this.pos < this.text.length) this.toText(out, this.pos);
    return out;
  }

  /** Everything from `from` on is content. */
  private toText(out: ParsedPiece, from: number): void {
    const rest = this.text.slice(from);
    out.content += rest;
    this.content += rest;
    this.phase = 'text';
    this.pos = this.text.length;
  }

  private scan(out: ParsedPiece, ending: boolean): void {
    for (;;) {
      const rest = this.text.slice(this.pos);
      switch (this.phase) {
        case 'text':
          if (rest) this.toText(out, this.pos);
          return;
        case 'undecided': {
          const lead = rest.length - rest.trimStart().length;
          const body = rest.slice(lead);
          const hit = FORMATS.find((f) => body.startsWith(f.open));
          if (hit) {
            this.format = hit;
            this.callStart = 0;
            this.pos += lead + hit.open.length;
            this.phase = 'name';
            continue;
          }
          if (!body || FORMATS.some((f) => f.open.startsWith(body))) return; // could still become a call
          this.toText(out, 0);
          return;
        }
        case 'name': {
          const q = rest.indexOf('"');
          if (q < 0) {
            if (rest.length > 64) return this.giveUp(out);
            return;
          }
          this.name = rest.slice(0, q);
          if (!this.names.has(this.name)) return this.giveUp(out);
          this.pos += q + 1;
          this.phase = 'mid';
          continue;
        }
        case 'mid': {
          const mid = this.format.mid.slice(1); // the name's closing quote is consumed
          if (rest.startsWith(mid)) {
            this.pos += mid.length;
            this.argsStart = this.pos;
            this.argsSent = 0;
            this.id = this.newId();
            this.phase = 'args';
            out.calls.push({ index: this.calls.length, id: this.id, name: this.name, arguments: '' });
            continue;
          }
          if (mid.startsWith(rest)) return;
          return this.giveUp(out);
        }
        case 'args': {
          const f = this.format;
          const args = this.text.slice(this.argsStart);
          const at = f.closeAtEnd ? -1 : args.indexOf(f.close);
          if (at >= 0) {
            if (at > this.argsSent) out.calls.push({ index: this.calls.length, arguments: args.slice(this.argsSent, at) });
            this.calls.push({ id: this.id, name: this.name, arguments: args.slice(0, at) });
            this.pos = this.argsStart + at + f.close.length;
            this.phase = 'after';
            continue;
          }
          // Hold back what could be the start of the closing text.
          const safe = Math.max(this.argsSent, args.length - (f.close.length - (f.closeAtEnd ? 0 : 1)));
          if (safe > this.argsSent) {
            out.calls.push({ index: this.calls.length, arguments: args.slice(this.argsSent, safe) });
            this.argsSent = safe;
          }
          return;
        }
        case 'after': {
          const next = (this.format.sep ?? '') + this.format.open;
          if (this.format.sep !== null && rest.startsWith(next)) {
            this.callStart = this.pos;
            this.pos += next.length;
            this.phase = 'name';
            continue;
          }
          if (!ending && this.format.sep !== null && next.startsWith(rest)) return;
          if (rest && !ending && !rest.trim()) return; // trailing whitespace, maybe before another call
          if (rest.trim()) this.toText(out, this.pos);
          return;
        }
      }
    }
  }

  /** The text stopped looking like a call: before any call, all of it is content; after one, the rest. */
  private giveUp(out: ParsedPiece): void {
    this.toText(out, this.calls.length === 0 ? 0 : this.callStart);
  }
}

/** A whole reply → content and calls (see `ToolCallParser`). */
export function parseToolCalls(text: string, names: Iterable<string>, newId?: () => string): { content: string; calls: ToolCall[]; incomplete: boolean } {
  const p = new ToolCallParser(new Set(names), newId);
  p.push(text);
  p.end();
  return { content: p.content, calls: p.calls, incomplete: p.incomplete };
}
