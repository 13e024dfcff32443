/**
 * A real OpenAI-compatible server for the remote-engine tests: `GET /v1/models`,
 * `POST /v1/chat/completions` and the legacy `POST /v1/completions` (a raw prompt; streamed as SSE or not) answered by llama.cpp through `node-llama-cpp`'s
 * prebuilt CPU binary, serving one GGUF model (by default the generated `tiny-chars.gguf`, whose
 * one-character vocabulary makes text tokenise back to the same tokens). What vLLM, Ollama and
 * llama-server do that the engine depends on, it does too: greedy decoding at temperature 0, assistant
 * prefill (a last `assistant` message is continued, as llama-server does), `response_format` JSON schema /
 * JSON object under a grammar, forced tool calls streamed as `delta.tool_calls` fragments, usage chunks,
 * `logit_bias` and llama-server's `ignore_eos`, API keys, CORS for browser clients, and it stops generating when the client goes away.
 *
 * Test controls (not under /v1, CORS on): `POST /__control` with any of `{"rateLimit": {"count", "retryAfterS"}}`,
 * `{"fail": {"count", "status"}}`, `{"dieAfterTokens": N}` (SIGKILL itself mid-stream), `{"tokenDelayMs": D}`,
 * `{"reset": true}`; `GET /__control/requests[?clear=1]` lists every request so far.
 *
 * Run: `npx tsx test/remote-server/server.ts --port 0 [--model tiny-chars.gguf|PATH] [--model-name NAME]
 * [--api-key KEY] [--exit-with-stdin]` → prints `{"ready":true,"port":N}` on stdout when listening.
 * `test/remote-server/manager.ts` starts and kills these processes for tests.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { getLlama, LlamaGrammarEvaluationState, LlamaLogLevel, TokenBias, type LlamaContextSequence, type LlamaGrammar, type Token } from 'node-llama-cpp';
import { FIXTURE_DIR, generateFixtures } from '../fixtures/generate.ts';

// ---------------------------------------------------------------------------------------------- options

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const PORT = Number(argValue('port') ?? 0);
const HOST = argValue('host') ?? '127.0.0.1';
const MODEL_ARG = argValue('model') ?? 'tiny-chars.gguf';
const MODEL_NAME = argValue('model-name') ?? MODEL_ARG.replace(/^.*\//, '').replace(/\.gguf$/, '');
const API_KEY = argValue('api-key');
/** Requests decoded at once (context sequences); more wait their turn. */
const PARALLEL = Number(argValue('parallel') ?? 4);
const CONTEXT_SIZE = Number(argValue('ctx') ?? 1024);
/** Largest request body. */
const MAX_BODY = 8 * 1024 * 1024;
/** Requests kept in the log. */
const MAX_RECORDS = 2000;

if (process.argv.includes('--exit-with-stdin')) {
  // Started by the manager: die with it, even when it is SIGKILLed (its end of the pipe closes).
  process.stdin.on('end', () => process.exit(0));
  process.stdin.on('close', () => process.exit(0));
  process.stdin.resume();
}

function modelPath(arg: string): string {
  if (isAbsolute(arg) || arg.includes('/')) return arg;
  const path = join(FIXTURE_DIR, arg);
  if (!existsSync(path)) generateFixtures();
  return path;
}

// ---------------------------------------------------------------------------------------------- model

const llama = await getLlama({ gpu: false, build: 'never', logLevel: LlamaLogLevel.error, progressLogs: false });
const model = await llama.loadModel({ modelPath: modelPath(MODEL_ARG) });
const contextSize = Math.min(CONTEXT_SIZE, model.trainContextSize);
// One thread: on a shared two-core machine llama.cpp's spinning threads otherwise slow everything down.
const context = await model.createContext({ contextSize, sequences: PARALLEL, threads: 1 });
const freeSequences: LlamaContextSequence[] = Array.from({ length: PARALLEL }, () => context.getSequence());
const waiting: ((s: LlamaContextSequence) => void)[] = [];

async function acquireSequence(): Promise<LlamaContextSequence> {
  const seq = freeSequences.pop() ?? await new Promise<LlamaContextSequence>((resolve) => waiting.push(resolve));
  await seq.clearHistory();
  return seq;
}
function releaseSequence(seq: LlamaContextSequence): void {
  const next = waiting.shift();
  if (next) next(seq);
  else freeSequences.push(seq);
}

const CREATED = Math.floor(Date.now() / 1000);


// ---------------------------------------------------------------------------------------------- state

interface RequestRecord {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  status: number;
  clientDisconnected: boolean;
  tokensSent: number;
  at: number;
}
interface Controls {
  rateLimit: { count: number; retryAfterS: number } | null;
  fail: { count: number; status: number } | null;
  dieAfterTokens: number | null;
  tokenDelayMs: number;
}
const initialControls = (): Controls => ({ rateLimit: null, fail: null, dieAfterTokens: null, tokenDelayMs: 0 });
let controls = initialControls();
let records: RequestRecord[] = [];

// ---------------------------------------------------------------------------------------------- http helpers

class HttpError extends Error {
  constructor(readonly status: number, message: string, readonly type = 'invalid_request_error', readonly code: string | null = null, readonly param: string | null = null) {
    super(message);
  }
}

function setCors(req: IncomingMessage, res: ServerResponse): void {
  const origin = req.headers.origin;
  res.setHeader('Access-Control-Allow-Origin', origin ?? '*');
  if (origin) res.setHeader('Vary', 'Origin');
  res.setHeader('Access-Control-Allow-Headers', 'Authorization, Content-Type');
  res.setHeader('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
  res.setHeader('Access-Control-Expose-Headers', 'Retry-After');
  res.setHeader('Access-Control-Max-Age', '600');
  res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
  if (req.headers['access-control-request-private-network']) res.setHeader('Access-Control-Allow-Private-Network', 'true');
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

function errorBody(message: string, type: string, code: string | null, param: string | null = null) {
  return { error: { message, type, param, code } };
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const part of req) {
    size += (part as Buffer).length;
    if (size > MAX_BODY) throw new HttpError(413, `Request body larger than ${MAX_BODY} bytes`);
    parts.push(part as Buffer);
  }
  if (size === 0) return null;
  const text = Buffer.concat(parts).toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, 'We could not parse the JSON body of your request.');
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------- prompt

interface Message { role: string; content?: unknown; tool_calls?: unknown; name?: string }
interface Tool { type: 'function'; function: { name: string; description?: string; parameters?: Record<string, unknown> } }

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (content == null) return '';
  if (Array.isArray(content)) {
    return content.map((p: unknown) => (p && typeof p === 'object' && typeof (p as { text?: unknown }).text === 'string' ? (p as { text: string }).text : '')).join('');
  }
  throw new HttpError(400, 'Invalid message content', 'invalid_request_error', null, 'messages');
}

function renderTurn(m: Message): string {
  let body = textOf(m.content);
  if (Array.isArray(m.tool_calls) && m.tool_calls.length) body += m.tool_calls.map((c) => `<tool_call>${JSON.stringify((c as { function?: unknown }).function ?? c)}</tool_call>`).join('');
  return `<|im_start|>${m.role}\n${body}<|im_end|>\n`;
}

/**
 * A fixed ChatML-like prompt. When the last message is the assistant's, it is continued (assistant
 * prefill, as llama-server does): the prompt ends with its partial content and no end of turn.
 */
function renderPrompt(messages: Message[]): { prompt: string; prefill: boolean } {
  const last = messages.at(-1)!;
  if (last.role === 'assistant' && !(Array.isArray(last.tool_calls) && last.tool_calls.length)) {
    return { prompt: `${messages.slice(0, -1).map(renderTurn).join('')}<|im_start|>assistant\n${textOf(last.content)}`, prefill: true };
  }
  return { prompt: `${messages.map(renderTurn).join('')}<|im_start|>assistant\n`, prefill: false };
}

// ---------------------------------------------------------------------------------------------- request checks

interface ChatRequest {
  model?: string;
  messages?: Message[];
  /** `/v1/completions` only: the raw prompt (no chat template). */
  prompt?: string;
  stream?: boolean;
  stream_options?: { include_usage?: boolean } | null;
  temperature?: number | null;
  top_p?: number | null;
  seed?: number | null;
  max_tokens?: number | null;
  max_completion_tokens?: number | null;
  stop?: string | string[] | null;
  n?: number | null;
  response_format?: { type: string; json_schema?: { schema?: Record<string, unknown>; name?: string } } | null;
  tools?: Tool[] | null;
  tool_choice?: 'auto' | 'none' | 'required' | { type: 'function'; function: { name: string } } | null;
  /** OpenAI's map of token id → bias in [-100, 100] (llama-server also takes it; -100 bans the token). */
  logit_bias?: Record<string, number> | null;
  /** llama-server's extension: end-of-generation tokens are never sampled. */
  ignore_eos?: boolean | null;
}

/** `chat`: `/v1/chat/completions` (messages); `text`: the legacy `/v1/completions` (a raw prompt). */
type Kind = 'chat' | 'text';

function checkRequest(body: unknown, kind: Kind): ChatRequest {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new HttpError(400, 'The request body must be a JSON object.');
  const r = body as ChatRequest;
  if (r.model !== undefined && r.model !== MODEL_NAME) {
    throw new HttpError(404, `The model \`${String(r.model)}\` does not exist or you do not have access to it.`, 'invalid_request_error', 'model_not_found', 'model');
  }
  if (kind === 'text') {
    if (typeof r.prompt !== 'string') throw new HttpError(400, "'prompt' must be a string", 'invalid_request_error', null, 'prompt');
    if (r.messages !== undefined || r.tools != null) throw new HttpError(400, "'messages' and 'tools' belong to /v1/chat/completions", 'invalid_request_error', null, 'messages');
  } else if (!Array.isArray(r.messages) || r.messages.length === 0) throw new HttpError(400, "'messages' must be a non-empty array", 'invalid_request_error', null, 'messages');
  for (const m of r.messages ?? []) {
    if (!m || typeof m !== 'object' || typeof m.role !== 'string') throw new HttpError(400, 'Each message needs a role', 'invalid_request_error', null, 'messages');
  }
  if (r.n != null && r.n !== 1) throw new HttpError(400, 'Only n = 1 is supported', 'invalid_request_error', null, 'n');
  for (const [k, v] of [['temperature', r.temperature], ['top_p', r.top_p], ['seed', r.seed], ['max_tokens', r.max_tokens], ['max_completion_tokens', r.max_completion_tokens]] as const) {
    if (v != null && (typeof v !== 'number' || !Number.isFinite(v))) throw new HttpError(400, `'${k}' must be a number`, 'invalid_request_error', null, k);
  }
  if (r.logit_bias != null) {
    if (typeof r.logit_bias !== 'object' || Array.isArray(r.logit_bias)) throw new HttpError(400, "'logit_bias' must be an object", 'invalid_request_error', null, 'logit_bias');
    for (const [k, v] of Object.entries(r.logit_bias)) {
      if (!/^\d+$/.test(k) || typeof v !== 'number' || !Number.isFinite(v) || v < -100 || v > 100) throw new HttpError(400, `Invalid 'logit_bias' entry '${k}'`, 'invalid_request_error', null, 'logit_bias');
    }
  }
  if (r.ignore_eos != null && typeof r.ignore_eos !== 'boolean') throw new HttpError(400, "'ignore_eos' must be a boolean", 'invalid_request_error', null, 'ignore_eos');
  return r;
}

/** How many tokens the model's vocabulary has (from the GGUF's `tokenizer.ggml.tokens`). */
function vocabularySize(): number {
  const tokens: unknown = model.fileInfo.metadata.tokenizer?.ggml?.tokens;
  return Array.isArray(tokens) ? tokens.length : 0;
}

/** Every end-of-generation token of the model (computed once). */
let eogTokens: Token[] | null = null;
function endOfGeneration(): Token[] {
  eogTokens ??= Array.from({ length: vocabularySize() }, (_, i) => i as Token).filter((t) => model.isEogToken(t));
  return eogTokens;
}

/**
 * The request's `logit_bias` and `ignore_eos` as llama.cpp applies them: a bias added to the token's logit,
 * -100 bans it, EOS included. `TokenBias.set` skips end-of-generation tokens, so the map is filled directly
 * (node-llama-cpp 3.21.1 reads `_biases` as token → logit offset).
 */
function tokenBias(r: ChatRequest): TokenBias | undefined {
  const entries = Object.entries(r.logit_bias ?? {});
  if (entries.length === 0 && !r.ignore_eos) return undefined;
  const bias = new TokenBias(model.tokenizer);
  const map = (bias as unknown as { _biases: Map<Token, number> })._biases;
  for (const [k, v] of entries) map.set(Number(k) as Token, v <= -100 ? -Infinity : v);
  if (r.ignore_eos) for (const t of endOfGeneration()) map.set(t, -Infinity);
  return bias;
}

/** The tool a request forces (`tool_choice` `required` → the first tool, or the named one); null: answer with text. */
function forcedTool(r: ChatRequest): Tool | null {
  const tools = Array.isArray(r.tools) ? r.tools : [];
  const choice = r.tool_choice;
  if (choice == null || choice === 'auto' || choice === 'none') return null;
  if (tools.length === 0) throw new HttpError(400, "'tool_choice' needs 'tools'", 'invalid_request_error', null, 'tool_choice');
  if (choice === 'required') return tools[0]!;
  if (typeof choice === 'object' && choice.type === 'function' && typeof choice.function?.name === 'string') {
    const tool = tools.find((t) => t.function?.name === choice.function.name);
    if (!tool) throw new HttpError(400, `Tool '${choice.function.name}' is not in 'tools'`, 'invalid_request_error', null, 'tool_choice');
    return tool;
  }
  throw new HttpError(400, "Invalid 'tool_choice'", 'invalid_request_error', null, 'tool_choice');
}

async function grammarFor(r: ChatRequest, tool: Tool | null): Promise<LlamaGrammar | undefined> {
  try {
    if (tool) return await llama.createGrammarForJsonSchema((tool.function.parameters ?? { type: 'object' }) as never);
    const f = r.response_format;
    if (!f || f.type === 'text') return undefined;
    if (f.type === 'json_object') return await llama.getGrammarFor('json');
    if (f.type === 'json_schema') {
      const schema = f.json_schema?.schema;
      if (!schema || typeof schema !== 'object') throw new HttpError(400, "'response_format.json_schema.schema' is required", 'invalid_request_error', null, 'response_format');
      return await llama.createGrammarForJsonSchema(schema as never);
    }
    throw new HttpError(400, `Unknown response_format type '${f.type}'`, 'invalid_request_error', null, 'response_format');
  } catch (err) {
    if (err instanceof HttpError) throw err;
    throw new HttpError(400, `Unsupported schema: ${err instanceof Error ? err.message : String(err)}`, 'invalid_request_error', null, tool ? 'tools' : 'response_format');
  }
}

// ---------------------------------------------------------------------------------------------- generation

/**
 * Decoded text of the generated tokens, emitted as it becomes final: text is held back while it ends in
 * U+FFFD (possibly a UTF-8 character split across tokens) or in the start of a stop string, so the
 * concatenated pieces always equal the final text.
 */
class TextTracker {
  readonly tokens: Token[] = [];
  private emitted = 0;
  text = '';
  stopped = false;
  constructor(private readonly stops: string[]) {}

  /** Adds a token; returns the text that became final (maybe ''). Sets `stopped` at a stop string. */
  push(token: Token): string {
    this.tokens.push(token);
    const full = model.detokenize(this.tokens);
    for (const s of this.stops) {
      const at = full.indexOf(s, Math.max(0, this.emitted - s.length));
      if (at >= 0) {
        this.stopped = true;
        this.text = full.slice(0, at);
        return this.take(this.text.length);
      }
    }
    this.text = full;
    let end = full.length;
    while (end > this.emitted && full.charCodeAt(end - 1) === 0xfffd) end--;
    for (const s of this.stops) {
      for (let l = Math.min(s.length - 1, end); l > 0; l--) {
        if (full.slice(end - l, end) === s.slice(0, l)) { end = Math.min(end, full.length - l); break; }
      }
    }
    return this.take(end);
  }

  /** The rest, at the end. */
  flush(): string {
    return this.take(this.text.length);
  }

  private take(end: number): string {
    if (end <= this.emitted) return '';
    const piece = this.text.slice(this.emitted, end);
    this.emitted = end;
    return piece;
  }
}

interface Generation {
  promptTokens: number;
  finishReason: 'stop' | 'length' | 'tool_calls';
}

/**
 * Generates for one request, calling `onPiece(text, tokens)` for each piece of final text (`tokens`: how
 * many generated tokens it completes). Stops at EOS, a stop string, `maxTokens`, or when `cancelled()`.
 */
async function generate(r: ChatRequest, tool: Tool | null, cancelled: () => boolean, onPiece: (text: string, tokens: number) => Promise<void>): Promise<Generation> {
  const prompt = r.prompt ?? renderPrompt(r.messages!).prompt;
  const promptTokens = [...(model.tokens.shouldPrependBosToken && model.tokens.bos != null ? [model.tokens.bos] : []), ...model.tokenize(prompt, true)];
  if (promptTokens.length >= contextSize) {
    throw new HttpError(400, `This model's maximum context length is ${contextSize} tokens. However, your messages resulted in ${promptTokens.length} tokens.`, 'invalid_request_error', 'context_length_exceeded', 'messages');
  }
  const requested = r.max_completion_tokens ?? r.max_tokens ?? Infinity;
  const maxTokens = Math.max(0, Math.min(requested, contextSize - promptTokens.length));
  const grammar = await grammarFor(r, tool);
  const stops = tool ? [] : typeof r.stop === 'string' ? [r.stop] : Array.isArray(r.stop) ? r.stop.filter((s) => typeof s === 'string' && s !== '') : [];
  const temperature = r.temperature ?? 0;
  const bias = tokenBias(r);
  const tracker = new TextTracker(stops);
  let finishReason: Generation['finishReason'] = tool ? 'tool_calls' : 'stop';
  let pending = 0;
  const seq = await acquireSequence();
  try {
    if (maxTokens === 0) return { promptTokens: promptTokens.length, finishReason: 'length' };
    const iterator = seq.evaluate(promptTokens, {
      // End-of-generation tokens come through and end the loop here (one place that decides).
      yieldEogToken: true,
      temperature,
      ...(r.top_p != null ? { topP: r.top_p } : {}),
      ...(r.seed != null ? { seed: r.seed } : {}),
      ...(grammar ? { grammarEvaluationState: new LlamaGrammarEvaluationState({ model, grammar }) } : {}),
      ...(bias ? { tokenBias: bias } : {}),
    });
    for await (const token of iterator) {
      if (cancelled()) break;
      if (model.isEogToken(token)) break;
      pending++;
      const piece = tracker.push(token);
      if (piece) { await onPiece(piece, pending); pending = 0; }
      if (tracker.stopped) { finishReason = 'stop'; break; }
      if (tracker.tokens.length >= maxTokens) { finishReason = 'length'; break; }
      if (cancelled()) break;
      if (controls.tokenDelayMs > 0) await sleep(controls.tokenDelayMs);
    }
    if (!tracker.stopped && !cancelled()) {
      const rest = tracker.flush();
      if (rest || pending) await onPiece(rest, pending);
    }
    return { promptTokens: promptTokens.length, finishReason };
  } finally {
    releaseSequence(seq);
  }
}

// ---------------------------------------------------------------------------------------------- /v1/chat/completions

async function chatCompletions(req: IncomingMessage, res: ServerResponse, rec: RequestRecord, body: unknown, kind: Kind): Promise<void> {
  if (controls.rateLimit && controls.rateLimit.count > 0) {
    controls.rateLimit.count--;
    const retryAfter = String(controls.rateLimit.retryAfterS);
    if (controls.rateLimit.count === 0) controls.rateLimit = null;
    rec.status = 429;
    sendJson(res, 429, errorBody('Rate limit reached for requests. Please try again later.', 'rate_limit_exceeded', 'rate_limit_exceeded'), { 'Retry-After': retryAfter });
    return;
  }
  if (controls.fail && controls.fail.count > 0) {
    controls.fail.count--;
    const status = controls.fail.status;
    if (controls.fail.count === 0) controls.fail = null;
    rec.status = status;
    sendJson(res, status, errorBody(`Injected failure (status ${status})`, status >= 500 ? 'server_error' : 'invalid_request_error', 'injected_failure'));
    return;
  }
  const r = checkRequest(body, kind);
  const tool = kind === 'chat' ? forcedTool(r) : null;
  const id = `${kind === 'chat' ? 'chatcmpl' : 'cmpl'}-${randomBytes(12).toString('hex')}`;
  const callId = `call_${randomBytes(8).toString('hex')}`;
  let gone = false;
  res.on('close', () => {
    if (!res.writableFinished) gone = true; // recorded as clientDisconnected by handle()
  });
  const base = { id, object: kind === 'chat' ? 'chat.completion.chunk' : 'text_completion', created: Math.floor(Date.now() / 1000), model: MODEL_NAME, system_fingerprint: 'llmos-test' };

  if (!r.stream) {
    let text = '';
    const g = await generate(r, tool, () => gone, async (piece, n) => { text += piece; rec.tokensSent += n; });
    if (gone) return;
    const completionTokens = rec.tokensSent;
    const message = tool
      ? { role: 'assistant', content: null, tool_calls: [{ id: callId, type: 'function', function: { name: tool.function.name, arguments: text } }] }
      : { role: 'assistant', content: text };
    rec.status = 200;
    sendJson(res, 200, {
      id, object: kind === 'chat' ? 'chat.completion' : 'text_completion', created: base.created, model: MODEL_NAME, system_fingerprint: base.system_fingerprint,
      choices: [kind === 'chat' ? { index: 0, message, logprobs: null, finish_reason: g.finishReason } : { index: 0, text, logprobs: null, finish_reason: g.finishReason }],
      usage: { prompt_tokens: g.promptTokens, completion_tokens: completionTokens, total_tokens: g.promptTokens + completionTokens },
    });
    return;
  }

  // Streamed: headers go out once generation is set up (so a bad schema is still a 400).
  const dieAfter = controls.dieAfterTokens;
  if (dieAfter !== null) controls.dieAfterTokens = null;
  let started = false;
  /** Writes one event; resolves once it is flushed to the socket (or the client is gone). */
  const write = (obj: unknown) => new Promise<void>((resolve) => {
    if (gone || res.destroyed) { resolve(); return; }
    const done = () => { res.off('close', done); resolve(); };
    res.once('close', done);
    res.write(`data: ${JSON.stringify(obj)}\n\n`, done);
  });
  const start = async () => {
    if (started) return;
    started = true;
    rec.status = 200;
    res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
    res.flushHeaders();
    if (kind === 'text') return; // no role chunk in a text completion stream
    const first = tool
      ? { role: 'assistant', content: null, tool_calls: [{ index: 0, id: callId, type: 'function', function: { name: tool.function.name, arguments: '' } }] }
      : { role: 'assistant', content: '' };
    await write({ ...base, choices: [{ index: 0, delta: first, logprobs: null, finish_reason: null }] });
  };
  const onPiece = async (piece: string, n: number) => {
    await start();
    if (piece !== '' && kind === 'text') await write({ ...base, choices: [{ index: 0, text: piece, logprobs: null, finish_reason: null }] });
    else if (piece !== '') {
      const delta = tool ? { tool_calls: [{ index: 0, function: { arguments: piece } }] } : { content: piece };
      await write({ ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason: null }] });
    }
    rec.tokensSent += n;
    if (dieAfter !== null && rec.tokensSent >= dieAfter) {
      process.stderr.write(`dieAfterTokens: SIGKILL after ${rec.tokensSent} tokens\n`);
      process.kill(process.pid, 'SIGKILL');
    }
  };
  let g: Generation;
  try {
    // Bad schemas and over-long prompts throw before any byte goes out: plain HTTP errors then.
    g = await generate(r, tool, () => gone, onPiece);
  } catch (err) {
    if (!started) throw err;
    const message = err instanceof Error ? err.message : String(err);
    await write({ error: { message, type: 'server_error', param: null, code: 500 } });
    res.end();
    return;
  }
  if (gone) return;
  await start();
  await write({ ...base, choices: [kind === 'chat' ? { index: 0, delta: {}, logprobs: null, finish_reason: g.finishReason } : { index: 0, text: '', logprobs: null, finish_reason: g.finishReason }] });
  if (r.stream_options?.include_usage) {
    const completionTokens = rec.tokensSent;
    await write({ ...base, choices: [], usage: { prompt_tokens: g.promptTokens, completion_tokens: completionTokens, total_tokens: g.promptTokens + completionTokens } });
  }
  res.write('data: [DONE]\n\n');
  res.end();
}

// ---------------------------------------------------------------------------------------------- routing

function applyControls(body: unknown): void {
  if (!body || typeof body !== 'object') throw new HttpError(400, 'Control body must be a JSON object');
  const b = body as Record<string, unknown>;
  if (b.reset) { controls = initialControls(); records = []; }
  if (b.rateLimit !== undefined) {
    const r = b.rateLimit as { count?: number; retryAfterS?: number } | null;
    controls.rateLimit = r ? { count: Number(r.count ?? 1), retryAfterS: Number(r.retryAfterS ?? 1) } : null;
  }
  if (b.fail !== undefined) {
    const f = b.fail as { count?: number; status?: number } | null;
    controls.fail = f ? { count: Number(f.count ?? 1), status: Number(f.status ?? 503) } : null;
  }
  if (b.dieAfterTokens !== undefined) controls.dieAfterTokens = b.dieAfterTokens === null ? null : Number(b.dieAfterTokens);
  if (b.tokenDelayMs !== undefined) controls.tokenDelayMs = Math.max(0, Number(b.tokenDelayMs) || 0);
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  setCors(req, res);
  const url = new URL(req.url ?? '/', 'http://x');
  const path = url.pathname;

  if (path === '/__control' || path.startsWith('/__control/')) {
    if (req.method === 'OPTIONS') { res.writeHead(204); res.end(); return; }
    if (path === '/__control' && req.method === 'POST') {
      applyControls(await readBody(req));
      sendJson(res, 200, { ok: true, controls });
      return;
    }
    if (path === '/__control' && req.method === 'GET') { sendJson(res, 200, { controls, model: MODEL_NAME, apiKey: API_KEY ?? null }); return; }
    if (path === '/__control/requests' && req.method === 'GET') {
      const out = records;
      if (url.searchParams.has('clear')) records = [];
      sendJson(res, 200, out);
      return;
    }
    sendJson(res, 404, errorBody(`Unknown control ${req.method} ${path}`, 'invalid_request_error', 'not_found'));
    return;
  }

  const rec: RequestRecord = { method: req.method ?? '', path: url.pathname + url.search, headers: { ...req.headers }, body: null, status: 0, clientDisconnected: false, tokensSent: 0, at: Date.now() };
  records.push(rec);
  if (records.length > MAX_RECORDS) records.splice(0, records.length - MAX_RECORDS);
  res.on('close', () => { if (!res.writableFinished && !rec.clientDisconnected) rec.clientDisconnected = true; });
  try {
    if (req.method === 'OPTIONS') { rec.status = 204; res.writeHead(204); res.end(); return; }
    const body = req.method === 'POST' ? await readBody(req) : null;
    rec.body = body;
    if (path.startsWith('/v1/') && API_KEY !== undefined && req.headers.authorization !== `Bearer ${API_KEY}`) {
      const given = req.headers.authorization?.replace(/^Bearer\s+/i, '') ?? '';
      throw new HttpError(401, given ? `Incorrect API key provided: ${given.slice(0, 3)}***.` : "You didn't provide an API key.", 'invalid_request_error', 'invalid_api_key');
    }
    if (path === '/v1/models' && req.method === 'GET') {
      rec.status = 200;
      sendJson(res, 200, { object: 'list', data: [{ id: MODEL_NAME, object: 'model', created: CREATED, owned_by: 'llmos-test' }] });
      return;
    }
    if (path === '/v1/chat/completions' && req.method === 'POST') {
      await chatCompletions(req, res, rec, body, 'chat');
      return;
    }
    if (path === '/v1/completions' && req.method === 'POST') {
      await chatCompletions(req, res, rec, body, 'text');
      return;
    }
    throw new HttpError(404, `Unknown request URL: ${req.method} ${path}.`, 'invalid_request_error', 'unknown_url');
  } catch (err) {
    const e = err instanceof HttpError ? err : new HttpError(500, err instanceof Error ? err.message : String(err), 'server_error', 'internal_error');
    rec.status = e.status;
    if (!res.headersSent) sendJson(res, e.status, errorBody(e.message, e.type, e.code, e.param));
    else res.end();
  }
}

const server = createServer((req, res) => { void handle(req, res); });
server.listen(PORT, HOST, () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : PORT;
  process.stdout.write(`${JSON.stringify({ ready: true, port })}\n`);
});
