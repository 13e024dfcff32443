/**
 * `readChatStream` over transcripts of real servers' streams (`sse-quirks/*.txt`: vLLM, Ollama,
 * llama-server, keep-alives): each parses to the content, tool calls, finish reason and usage its header
 * states, whatever the byte boundaries (one byte at a time, inside UTF-8 characters) or line endings; and
 * every failure is typed (errors reported in the stream, malformed JSON, limits, a broken connection, abort).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { MAX_EVENT_CHARS, MAX_STREAM_BYTES, readChatJson, readChatStream, type ChatStreamChunk } from './openai-stream';
import { AbortError, RemoteRequestError, RemoteUnavailableError } from '../../errors';

const QUIRKS = join(dirname(fileURLToPath(import.meta.url)), 'sse-quirks');
const fixture = (name: string) => readFileSync(join(QUIRKS, name));

/** A body that delivers `bytes` in pieces of `size` bytes (or the given sizes, cycled). */
function bodyOf(bytes: Uint8Array, size: number | number[] = bytes.length): ReadableStream<Uint8Array> {
  const sizes = Array.isArray(size) ? size : [size];
  let at = 0;
  let i = 0;
  return new ReadableStream({
    pull(controller) {
      if (at >= bytes.length) { controller.close(); return; }
      const n = Math.max(1, sizes[i++ % sizes.length]!);
      controller.enqueue(bytes.slice(at, at + n));
      at += n;
    },
  });
}

interface Summary {
  content: string;
  calls: { id?: string; name?: string; arguments: string }[];
  finishReason: string | null;
  usage?: ChatStreamChunk['usage'];
  chunks: number;
}

/** Reads a whole stream and merges its chunks as a client would (tool-call fragments appended by index). */
async function summarise(body: ReadableStream<Uint8Array>): Promise<Summary> {
  const s: Summary = { content: '', calls: [], finishReason: null, chunks: 0 };
  for await (const c of readChatStream(body)) {
    s.chunks++;
    s.content += c.content;
    for (const t of c.toolCalls) {
      const call = (s.calls[t.index] ??= { arguments: '' });
      if (t.id) call.id = t.id;
      if (t.name) call.name = t.name;
      call.arguments += t.arguments ?? '';
    }
    if (c.finishReason) s.finishReason = c.finishReason;
    if (c.usage) s.usage = c.usage;
  }
  return s;
}

/** Reads until it throws; what was delivered before, and the error. */
async function failure(body: ReadableStream<Uint8Array>, signal?: AbortSignal): Promise<{ content: string; error: unknown }> {
  let content = '';
  try {
    for await (const c of readChatStream(body, signal)) content += c.content;
  } catch (error) {
    return { content, error };
  }
  throw new Error(`expected an error; read ${JSON.stringify(content.slice(0, 100))} (${content.length} characters)`);
}

const EXPECTED: Record<string, Omit<Summary, 'chunks'>> = {
  'vllm-stream.txt': { content: 'Hello, café ☕!', calls: [], finishReason: 'stop', usage: { promptTokens: 17, completionTokens: 8 } },
  'vllm-tool-call.txt': {
    content: '', finishReason: 'tool_calls',
    calls: [{ id: 'chatcmpl-tool-5e2b7f', name: 'get_weather', arguments: '{"city": "Paris"}' }],
  },
  'ollama-stream.txt': { content: 'Hi there! 👋', calls: [], finishReason: 'stop', usage: { promptTokens: 26, completionTokens: 5 } },
  'ollama-tool-call.txt': {
    content: '', finishReason: 'tool_calls', calls: [{ id: 'call_hk81qg8b', name: 'run_command', arguments: '{"command":"ls -la"}' }],
  },
  'llamacpp-stream.txt': { content: 'The answer is 42.', calls: [], finishReason: 'stop', usage: { promptTokens: 40, completionTokens: 6, cachedTokens: 32 } },
  'llamacpp-timings-only.txt': { content: 'ok', calls: [], finishReason: 'length', usage: { promptTokens: 15, completionTokens: 2, cachedTokens: 3 } },
  'keepalive-no-done.txt': { content: 'abc', calls: [], finishReason: 'stop' },
  'vllm-completions-stream.txt': { content: 'Once upon a time', calls: [], finishReason: 'length', usage: { promptTokens: 5, completionTokens: 4 } },
};

const ERRORS: Record<string, { content: string; serverMessage: string; status: number }> = {
  'vllm-error.txt': { content: 'Partial', serverMessage: 'The decoder prompt is too long', status: 400 },
  'llamacpp-error.txt': { content: 'Once', serverMessage: 'the request exceeds the available context size, try increasing it', status: 400 },
  'llamacpp-legacy-error.txt': {
    content: 'Once', status: 400,
    serverMessage: 'the request exceeds the available context size. try increasing the context size or enable context shift',
  },
};

describe('readChatStream on transcribed server streams', () => {
  test('every fixture is covered and labelled as transcribed', () => {
    const files = readdirSync(QUIRKS).filter((f) => f.endsWith('.txt')).sort();
    expect(files).toEqual([...Object.keys(EXPECTED), ...Object.keys(ERRORS)].sort());
    for (const f of files) expect(fixture(f).toString('utf8')).toMatch(/^: TRANSCRIBED, not captured: /);
  });

  for (const [name, expected] of Object.entries(EXPECTED)) {
    test(`${name}: content, tool calls, finish reason, usage`, async () => {
      const whole = await summarise(bodyOf(fixture(name)));
      const { chunks, ...rest } = whole;
      expect(rest).toEqual(expected);
      expect(chunks).toBeGreaterThan(0);
    });

    test(`${name}: the same one byte at a time, in odd pieces, with CRLF and with CR line endings`, async () => {
      const bytes = fixture(name);
      const whole = await summarise(bodyOf(bytes));
      expect(await summarise(bodyOf(bytes, 1))).toEqual(whole);
      expect(await summarise(bodyOf(bytes, [3, 1, 7, 2, 64, 5]))).toEqual(whole);
      const text = bytes.toString('utf8');
      expect(await summarise(bodyOf(Buffer.from(text.replace(/\n/g, '\r\n')), [2, 9, 1]))).toEqual(whole);
      expect(await summarise(bodyOf(Buffer.from(text.replace(/\n/g, '\r')), 1))).toEqual(whole);
    });
  }

  test('role-only and empty chunks are skipped; reasoning_content never reaches content', async () => {
    const out: ChatStreamChunk[] = [];
    for await (const c of readChatStream(bodyOf(fixture('llamacpp-stream.txt')))) out.push(c);
    expect(out.map((c) => c.content)).toEqual(['The answer', ' is 42.', '']);
    expect(out.at(-1)).toMatchObject({ finishReason: 'stop', usage: { promptTokens: 40 } });
  });

  for (const [name, expected] of Object.entries(ERRORS)) {
    test(`${name}: the content before it, then a RemoteRequestError with the server's words (also one byte at a time)`, async () => {
      for (const size of [undefined, 1]) {
        const { content, error } = await failure(bodyOf(fixture(name), size));
        expect(content).toBe(expected.content);
        expect(error).toBeInstanceOf(RemoteRequestError);
        expect(error).toMatchObject({ code: 'REMOTE_REQUEST_FAILED', details: { serverMessage: expected.serverMessage, status: expected.status } });
      }
    });
  }
});

const tick = () => new Promise((r) => setTimeout(r, 20));
const enc = (s: string) => new TextEncoder().encode(s);
const chunk = (content: string) => `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content }, finish_reason: null }] })}\n\n`;

describe('readChatStream failures are typed', () => {
  test('`event: error` is a RemoteRequestError with the message', async () => {
    const { error } = await failure(bodyOf(enc(`${chunk('a')}event: error\ndata: {"error":{"message":"overloaded","code":503}}\n\n`)));
    expect(error).toBeInstanceOf(RemoteRequestError);
    expect(error).toMatchObject({ details: { serverMessage: 'overloaded', status: 503 } });
  });

  test('malformed JSON in a data line is a RemoteRequestError, never a bare SyntaxError', async () => {
    const { content, error } = await failure(bodyOf(enc(`${chunk('a')}data: {"choices": [\n\n`), 1));
    expect(content).toBe('a');
    expect(error).toBeInstanceOf(RemoteRequestError);
    expect(error).toMatchObject({ details: { serverMessage: '{"choices": [' } });
    expect((error as Error).cause).toBeInstanceOf(SyntaxError);
    const notObject = await failure(bodyOf(enc('data: [1,2]\n\n')));
    expect(notObject.error).toBeInstanceOf(RemoteRequestError);
  });

  test('an event over 1 MiB is a RemoteRequestError (without buffering the rest)', async () => {
    const big = `data: {"choices":[{"index":0,"delta":{"content":"${'x'.repeat(MAX_EVENT_CHARS)}"}}]}\n\n`;
    const { error } = await failure(bodyOf(enc(chunk('a') + big), 64 * 1024));
    expect(error).toBeInstanceOf(RemoteRequestError);
    expect(error).toMatchObject({ details: { limit: MAX_EVENT_CHARS } });
    // Just under the limit is fine.
    const ok = await summarise(bodyOf(enc(chunk('y'.repeat(MAX_EVENT_CHARS - 200))), 64 * 1024));
    expect(ok.content).toHaveLength(MAX_EVENT_CHARS - 200);
  });

  test('a stream over 64 MiB is a RemoteRequestError, even made of small events', async () => {
    const piece = enc(': keep-alive padding'.padEnd(1023, '.') + '\n');
    let sent = 0;
    let pulls = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulls++;
        if (pulls % 512 === 0) controller.enqueue(enc(chunk('z')));
        controller.enqueue(piece);
        sent += piece.length;
        if (sent > MAX_STREAM_BYTES * 2) controller.close();
      },
    });
    const { content, error } = await failure(body);
    expect(error).toBeInstanceOf(RemoteRequestError);
    expect(error).toMatchObject({ details: { limit: MAX_STREAM_BYTES } });
    expect(sent).toBeLessThan(MAX_STREAM_BYTES + 64 * 1024);
    expect(content.length).toBeGreaterThan(0);
  }, 30_000);

  test('a connection that breaks mid-body is a RemoteUnavailableError with status 0, after what came', async () => {
    let n = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (n++ === 0) controller.enqueue(enc(chunk('before')));
        else controller.error(new TypeError('terminated'));
      },
    });
    const { content, error } = await failure(body);
    expect(content).toBe('before');
    expect(error).toBeInstanceOf(RemoteUnavailableError);
    expect(error).toMatchObject({ details: { status: 0 } });
  });

  test('abort while waiting for the server is an AbortError, and cancels the body', async () => {
    const ac = new AbortController();
    let cancelled = false;
    let sent = false;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (!sent) { sent = true; controller.enqueue(enc(chunk('a'))); return; }
        setTimeout(() => ac.abort(), 10);
        return new Promise<void>(() => {}); // the server goes quiet
      },
      cancel() { cancelled = true; },
    });
    const { content, error } = await failure(body, ac.signal);
    expect(content).toBe('a');
    expect(error).toBeInstanceOf(AbortError);
    await tick(); // cancellation travels up the pipe chain asynchronously
    expect(cancelled).toBe(true);
    const pre = await failure(bodyOf(enc(chunk('a'))), AbortSignal.abort());
    expect(pre.error).toBeInstanceOf(AbortError);
    expect(pre.content).toBe('');
  });

  test('stopping iteration early cancels the body', async () => {
    let cancelled = false;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) { controller.enqueue(enc(chunk('a'))); },
      cancel() { cancelled = true; },
    });
    for await (const c of readChatStream(body)) { expect(c.content).toBe('a'); break; }
    await tick();
    expect(cancelled).toBe(true);
  });

  test('data after [DONE] is never read', async () => {
    const s = await summarise(bodyOf(enc(`${chunk('a')}data: [DONE]\n\n${chunk('b')}data: {bad\n\n`)));
    expect(s.content).toBe('a');
  });
});

describe('readChatJson', () => {
  test('a non-streamed completion in the same form', async () => {
    const res = new Response(JSON.stringify({
      id: 'x', object: 'chat.completion',
      choices: [{ index: 0, message: { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'f', arguments: '{"a":1}' } }] }, finish_reason: 'tool_calls' }],
      usage: { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7, prompt_tokens_details: { cached_tokens: 2 } },
    }));
    expect(await readChatJson(res)).toEqual({
      content: '', finishReason: 'tool_calls', toolCalls: [{ index: 0, id: 'call_1', name: 'f', arguments: '{"a":1}' }],
      usage: { promptTokens: 3, completionTokens: 4, cachedTokens: 2 },
    });
  });

  test('an error body and malformed JSON are RemoteRequestErrors', async () => {
    await expect(readChatJson(new Response('{"error":{"message":"nope","code":400}}', { status: 400 }))).rejects.toMatchObject({ name: 'RemoteRequestError', details: { serverMessage: 'nope' } });
    await expect(readChatJson(new Response('<html>', { status: 502 }))).rejects.toBeInstanceOf(RemoteRequestError);
  });
});
