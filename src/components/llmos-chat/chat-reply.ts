/**
 * How `<llmos-chat>` turns a conversation into a reply (pure functions over a {@link ChatEntry}): one
 * streamed generation, or the tool loop (`runToolLoop`) with its calls shown as cards; and the entries
 * and messages the chat keeps and hands out. @internal
 */
import type { ChatMessage, GenerateRequest, GenerateResult, ToolDefinition } from '../../protocol/engine';
import type { ComputedOn } from '../../protocol/remote';
import { ToolCallParser } from '../../constraints/tool-calls';
import { runToolLoop, type RunnableTool } from '../../api/tool-loop';
import { LlmosTokenEvent } from '../shared/generation-events';
import type { ChatBackend } from './chat-backend';
import { isToolStep, toolCallViews, type ToolCallView } from './chat-tools';
import type { ErrorWords } from '../shared/error-words';

/** One message as the chat shows it. */
export interface ChatEntry {
  id: number;
  role: 'user' | 'assistant';
  content: string;
  /** `streaming` while tokens arrive; `done` after a result (any stop reason); `error` on failure. */
  state: 'streaming' | 'done' | 'error';
  result?: GenerateResult;
  error?: ErrorWords;
  /** Images attached to a user message (data URLs), for models that accept images. */
  images?: string[];
  /** Tokens shown (a stopped reply shows fewer than the engine may have generated before it stopped). */
  shown?: number;
  /**
   * Of a reply that called tools: the messages before its text — assistant messages with `toolCalls` and
   * the `tool` messages with their results — sent with every later request, as the model made them.
   */
  steps?: ChatMessage[];
  /** Of a reply that called tools: each call as its card shows it. */
  calls?: ToolCallView[];
  /**
   * Of a finished reply: where it was computed (the result's `computedOn`, when the backend says; a reply
   * whose backend says nothing shows "on this device"). Saved with the reply's message; absent on replies
   * saved before it existed.
   */
  computedOn?: ComputedOn;
}

/**
 * A chat message that may carry images (only sent to models that accept them) and, on a reply, where it
 * was computed (kept for the badge; never sent to a model).
 */
export type ChatMessageWithImages = ChatMessage & { images?: string[]; computedOn?: ComputedOn };

/** A stored `computedOn` if it is well formed (stored conversations are the user's own data). */
export function validComputedOn(v: unknown): ComputedOn | undefined {
  const c = v as ComputedOn | undefined;
  if (c?.kind === 'device') return { kind: 'device' };
  if (c?.kind === 'server' && typeof c.serverId === 'string' && typeof c.name === 'string') return { kind: 'server', serverId: c.serverId, name: c.name };
  return undefined;
}

/** What a reply needs of the element. */
export interface ReplyHost {
  /** The reply changed: re-render it and tell the page (`llmos-messages-change`). */
  refresh(): void;
  /** Fire an event on the element (`llmos-token`). */
  dispatchEvent(event: Event): boolean;
}

/** The settings of a reply, as the element has them. */
export interface ReplyOptions {
  system: string;
  params: Partial<GenerateRequest>;
  maxTokens: number;
  acceptsImages: boolean;
  tools: RunnableTool[];
  maxToolRounds: number;
}

/**
 * Generate `reply` to `turns` (streamed into it): with tools, the tool loop; otherwise one generation.
 * Images are dropped from the turns unless `acceptsImages`.
 */
export function generateReply(backend: ChatBackend, reply: ChatEntry, turns: ChatMessageWithImages[], opts: ReplyOptions, host: ReplyHost, signal: AbortSignal): Promise<GenerateResult> {
  const sent = turns.map(({ computedOn: _c, ...m }) => m);
  const seen = opts.acceptsImages ? sent : sent.map(({ images: _i, ...m }) => m);
  const system: ChatMessage[] = opts.system ? [{ role: 'system', content: opts.system }] : [];
  return opts.tools.length
    ? toolReply(backend, reply, system, seen, opts, host, signal)
    : streamReply(backend, reply, { ...opts.params, messages: [...system, ...seen], maxTokens: opts.maxTokens }, signal, null, host);
}

/**
 * One generation streamed into `reply`. With a `parser` (tools on offer) only the reply's content is
 * shown; the text of its tool calls is not.
 */
async function streamReply(backend: ChatBackend, reply: ChatEntry, request: GenerateRequest, signal: AbortSignal, parser: ToolCallParser | null, host: ReplyHost): Promise<GenerateResult> {
  const add = (text: string) => {
    reply.content += text;
    host.refresh();
  };
  const result = await backend.generate(request, (token) => {
    // Tokens already in flight when Stop was pressed (one worker message may carry several) are dropped.
    if (signal.aborted) return;
    reply.shown = (reply.shown ?? 0) + 1;
    const text = parser ? parser.push(token.text).content : token.text;
    if (parser && !text) return;
    add(text);
    host.dispatchEvent(new LlmosTokenEvent({ token: parser ? { ...token, text } : token, text: reply.content }));
  }, signal);
  const rest = parser && !signal.aborted ? parser.end().content : '';
  if (rest) add(rest);
  return result;
}

/**
 * A reply with tools on offer (`runToolLoop`): each generation is one backend request; the calls show
 * as cards while they run, the steps stay on the reply, and the final generation's text is its content.
 */
async function toolReply(backend: ChatBackend, reply: ChatEntry, system: ChatMessage[], turns: ChatMessage[], opts: ReplyOptions, host: ReplyHost, signal: AbortSignal): Promise<GenerateResult> {
  const { toolChoice, parallelToolCalls, tools: _t, ...params } = opts.params;
  const views: ToolCallView[] = [];
  reply.calls = views;
  const at = { round: 0, last: null as GenerateResult | null, lead: undefined as string | undefined };
  const out = await runToolLoop(turns, {
    tools: opts.tools,
    maxRounds: opts.maxToolRounds,
    signal,
    generate: async (messages, offer: readonly ToolDefinition[] | undefined) => {
      signal.throwIfAborted();
      reply.steps = messages.slice(turns.length);
      reply.content = '';
      reply.shown = 0;
      host.refresh();
      const parser = offer ? new ToolCallParser(new Set(offer.map((t) => t.name))) : null;
      const request: GenerateRequest = {
        ...params, messages: [...system, ...messages], maxTokens: opts.maxTokens,
        ...(offer ? {
          tools: [...offer],
          // A reply with calls must be allowed to end (a model default of `ignoreEos` would run on forever).
          ignoreEos: false,
          ...(at.round === 0 && toolChoice !== undefined ? { toolChoice } : {}),
          ...(parallelToolCalls !== undefined ? { parallelToolCalls } : {}),
        } : {}),
      };
      at.round++;
      const r = await streamReply(backend, reply, request, signal, parser, host);
      at.last = r;
      at.lead = parser?.calls.length && parser.content.trim() ? parser.content : undefined;
      // Stopped: a call cut off mid-way is never run; the loop ends with the text shown.
      return r.stopReason === 'abort' ? { text: reply.content, stopReason: 'abort' } : r;
    },
    onCall: (call) => {
      views.push({ call, state: 'running', ...(at.lead ? { lead: at.lead } : {}) });
      at.lead = undefined;
      host.refresh();
    },
    onResult: (record) => {
      const v = views.find((x) => x.call === record.call);
      if (v) {
        v.state = record.error ? 'error' : 'done';
        v.result = record.result;
      }
      host.refresh();
    },
  });
  reply.steps = out.messages.slice(0, -1);
  reply.content = out.text;
  return { ...at.last!, text: out.text, stopReason: out.stopReason };
}

/**
 * The entries of saved messages (system messages are skipped). Tool steps (assistant messages with
 * `toolCalls`, `tool` results) go with the reply that follows them, and show as its cards again.
 */
export function entriesOf(messages: readonly ChatMessageWithImages[], nextId: () => number): ChatEntry[] {
  const entries: ChatEntry[] = [];
  let steps: ChatMessage[] = [];
  const reply = (content: string): ChatEntry => ({
    id: nextId(), role: 'assistant', content, state: 'done',
    ...(steps.length ? { steps, calls: toolCallViews(steps) } : {}),
  });
  for (const m of messages) {
    if (m.role === 'system') continue;
    if (isToolStep(m)) {
      steps = [...steps, m];
      continue;
    }
    if (m.role === 'assistant') {
      const where = validComputedOn(m.computedOn);
      entries.push({ ...reply(m.content), ...(where ? { computedOn: where } : {}) });
    } else {
      if (steps.length) entries.push(reply(''));
      entries.push({ id: nextId(), role: 'user', content: m.content, state: 'done', ...(m.images?.length ? { images: m.images } : {}) });
    }
    steps = [];
  }
  if (steps.length) entries.push(reply(''));
  return entries;
}

/** The messages of one entry: a reply's tool steps first, then its text (when there is any). */
export function toMessages(e: ChatEntry): ChatMessageWithImages[] {
  if (e.role === 'user') return [{ role: 'user', content: e.content, ...(e.images?.length ? { images: e.images } : {}) }];
  const where = e.computedOn ? { computedOn: e.computedOn } : {};
  return [...(e.steps ?? []), ...(e.content !== '' ? [{ role: 'assistant' as const, content: e.content, ...where }] : [])];
}
