/**
 * Remote engines end to end in real Chromium: the kernel schedules a model of a REAL OpenAI-compatible
 * server (llama.cpp through node-llama-cpp, `test/remote-server/`, serving the tiny-chars fixture) from a
 * real engine worker, beside a local wllama model. Streaming, abort (the server sees the disconnect),
 * schema output, tools, 401, 429 with Retry-After, a server killed mid-stream, two servers with
 * failover, grants, and no key leaking.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { PermissionError, RateLimitedError, RemoteUnavailableError } from '../../errors';
import { EngineClient } from '../../kernel/engine-client';
import { Kernel } from '../../kernel/kernel';
import { describeGguf } from '../../kernel/model-registry';
import { memorySettingsStore } from '../../kernel/settings-store';
import type { JobParams } from '../../kernel/types';
import { parseToolCalls } from '../../constraints/tool-calls';
import type { RemoteEndpoint } from '../../protocol/remote';
import { spawnTestEngineWorker, TINY_URL } from '../../../test/helpers/engines';
import { readJob } from '../../../test/helpers/kernel';
import { control, direct, killServer, requests, startServer, type SeenRequest, type TestServer } from '../../../test/helpers/remote';

let kernels: Kernel[] = [];
afterEach(() => {
  for (const k of kernels) k.shutdown();
  kernels = [];
});

/** Byte tokens and specials banned, EOS ignored: tiny-chars then writes plain characters that round-trip. */
const BIAS: Record<number, number> = { 0: -100, 1: -100, 2: -100, 259: -100 };
for (let id = 3; id < 3 + 256; id++) BIAS[id] = -100;
const GREEDY: JobParams = { temperature: 0, maxTokens: 24, logitBias: BIAS, ignoreEos: true };
const MESSAGES = [{ role: 'user' as const, content: 'Say something.' }];

function endpoint(s: TestServer, id: string, extra: Partial<RemoteEndpoint> = {}): RemoteEndpoint {
  return { serverId: id, name: `server ${id}`, baseUrl: s.url, model: 'tiny-chars', maxConcurrent: 2, ...extra };
}

async function remoteKernel(endpoints: RemoteEndpoint[], opts: { local?: boolean } = {}) {
  const kernel = new Kernel({
    createEngine: async () => EngineClient.start(spawnTestEngineWorker()),
    settings: memorySettingsStore(), budget: { ramMB: 200, vramMB: 0, slots: 1 },
  });
  kernels.push(kernel);
  await kernel.ready;
  kernel.registerModel({
    id: 'remote:tiny-chars', engine: 'remote', weightBytes: 0, kvBytes: 0, overheadBytes: 0,
    sequences: endpoints.reduce((n, e) => n + e.maxConcurrent, 0),
    source: async () => ({ kind: 'remote', id: 'remote:tiny-chars', endpoints }),
  });
  if (opts.local) {
    const cost = await describeGguf(await (await fetch(TINY_URL)).blob(), 256);
    kernel.registerModel({ id: 'tiny', engine: 'wllama', source: { kind: 'gguf-url', id: 'tiny', url: TINY_URL }, weightBytes: cost.weightBytes, kvBytes: cost.kvBytes, nCtx: 256 });
  }
  const pid = kernel.spawn({ name: 'app', appId: 'test-app' }, { priority: 'interactive' });
  return { kernel, pid };
}

const all = (ids: string[]): JobParams => ({ ...GREEDY, servers: ids });
/** A chat completion the server saw (not a CORS preflight). */
const isPost = (r: SeenRequest) => r.method === 'POST' && r.path.endsWith('/chat/completions');

describe('remote engine through the kernel, against a real llama.cpp server', () => {
  test('streams token by token the same text the server gives directly; the result says where it was computed', async () => {
    const a = await startServer('stream');
    await control(a, { reset: true });
    const { kernel, pid } = await remoteKernel([endpoint(a, 'a')]);
    const h = kernel.submit({ pid, model: 'remote:tiny-chars', messages: MESSAGES, params: all(['a']) });
    const { tokens, result } = await readJob(h);
    const reference = await direct(a, { messages: MESSAGES, max_tokens: 24, logit_bias: BIAS, ignore_eos: true });
    expect(tokens.length).toBeGreaterThan(5);
    expect(tokens.join('')).toBe(reference);
    expect(result.text).toBe(reference);
    expect(result.computedOn).toEqual({ kind: 'server', serverId: 'a', name: 'server a' });
    // Scheduled as a model with no memory cost, in a slot beyond the device's one.
    const resident = kernel.models().find((m) => m.id === 'remote:tiny-chars')!;
    expect(resident.ramBytes + resident.vramBytes).toBe(0);
  });

  test('a raw prompt (no chat template) goes to /completions and streams the server\'s own text', async () => {
    const a = await startServer('stream');
    await control(a, { reset: true });
    const res = await fetch(`${a.url}/completions`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ model: 'tiny-chars', prompt: 'the model is', temperature: 0, max_tokens: 24, logit_bias: BIAS, ignore_eos: true }),
    });
    const reference = ((await res.json()) as { choices: { text: string }[] }).choices[0]!.text;
    expect(reference.length).toBeGreaterThan(5);
    const { kernel, pid } = await remoteKernel([endpoint(a, 'a')]);
    const { tokens, result } = await readJob(kernel.submit({ pid, model: 'remote:tiny-chars', prompt: 'the model is', params: all(['a']) }));
    expect(tokens.length).toBeGreaterThan(5);
    expect(result.text).toBe(reference);
    expect(result.stopReason).toBe('length');
    const posts = (await requests(a)).filter((r) => r.method === 'POST' && r.path.startsWith('/v1/'));
    expect(posts.map((r) => r.path)).toEqual(['/v1/completions', '/v1/completions']);
    expect(posts[1]!.body!.prompt).toBe('the model is');
  });

  test('a job whose app may use no server is refused before anything is sent', async () => {
    const a = await startServer('stream');
    await requests(a, true);
    const { kernel, pid } = await remoteKernel([endpoint(a, 'a')]);
    const h = kernel.submit({ pid, model: 'remote:tiny-chars', messages: MESSAGES, params: GREEDY });
    await expect(h.result).rejects.toBeInstanceOf(PermissionError);
    const h2 = kernel.submit({ pid, model: 'remote:tiny-chars', messages: MESSAGES, params: all(['someone-else']) });
    await expect(h2.result).rejects.toMatchObject({ code: 'PERMISSION_DENIED' });
    expect((await requests(a)).filter((r) => isPost(r))).toHaveLength(0);
  });

  test('cancel mid-stream: the job ends at once and the server sees the client go', async () => {
    const a = await startServer('abort');
    await control(a, { reset: true, tokenDelayMs: 60 });
    await requests(a, true);
    const { kernel, pid } = await remoteKernel([endpoint(a, 'a')]);
    const h = kernel.submit({ pid, model: 'remote:tiny-chars', messages: MESSAGES, params: { ...all(['a']), maxTokens: 200 } });
    const { tokens, result } = await readJob(h, (_t, n) => { if (n === 3) h.cancel(); });
    expect(result.stopReason).toBe('abort');
    expect(tokens.length).toBeLessThan(20);
    await expect.poll(async () => (await requests(a)).find((r) => isPost(r))?.clientDisconnected, { timeout: 10_000 }).toBe(true);
    const seen = (await requests(a)).find((r) => isPost(r))!;
    expect(seen.tokensSent).toBeLessThan(200);
    // The engine itself let go of the request: the kernel did not have to terminate its worker.
    expect(kernel.events.history().filter((e) => e.type === 'worker-reclaimed')).toEqual([]);
  });

  test('JSON schema output and a forced tool call', async () => {
    const a = await startServer('stream');
    await control(a, { reset: true });
    const { kernel, pid } = await remoteKernel([endpoint(a, 'a')]);
    const schema = { type: 'object', properties: { city: { type: 'string', maxLength: 12 }, n: { type: 'integer' } }, required: ['city', 'n'] };
    const { result } = await readJob(kernel.submit({
      pid, model: 'remote:tiny-chars', messages: MESSAGES, params: { servers: ['a'], temperature: 0, maxTokens: 80, jsonSchema: schema },
    }));
    const value = JSON.parse(result.text) as { city: unknown; n: unknown };
    expect(typeof value.city).toBe('string');
    expect(Number.isInteger(value.n)).toBe(true);
    const tools = [{ name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string', maxLength: 10 } }, required: ['city'] } }];
    const { result: called } = await readJob(kernel.submit({
      pid, model: 'remote:tiny-chars', messages: [{ role: 'user', content: 'Weather in Paris?' }],
      params: { servers: ['a'], temperature: 0, maxTokens: 60, tools, toolChoice: 'required' },
    }));
    const parsed = parseToolCalls(called.text, ['get_weather']);
    expect(parsed.calls).toHaveLength(1);
    expect(parsed.calls[0]!.name).toBe('get_weather');
    expect(typeof (JSON.parse(parsed.calls[0]!.arguments) as { city: unknown }).city).toBe('string');
    const sent = (await requests(a)).filter((r) => isPost(r)).map((r) => r.body!);
    expect(sent.some((b) => (b.response_format as { type?: string } | undefined)?.type === 'json_schema')).toBe(true);
    expect(sent.some((b) => b.tool_choice === 'required')).toBe(true);
  });

  test('401 is a PermissionError; the key goes to its own server only, and nowhere the page can read', async () => {
    const keyed = await startServer('keyed', { apiKey: 'sk-test-secret-1' });
    const open = await startServer('open');
    await requests(keyed, true);
    await requests(open, true);
    const { kernel: noKey, pid: p1 } = await remoteKernel([endpoint(keyed, 'k')]);
    // The load checks the server first: without the key it is refused, typed.
    await expect(noKey.submit({ pid: p1, model: 'remote:tiny-chars', messages: MESSAGES, params: all(['k']) }).result).rejects.toBeInstanceOf(PermissionError);
    const { kernel, pid } = await remoteKernel([endpoint(keyed, 'k', { apiKey: 'sk-test-secret-1' }), endpoint(open, 'o')]);
    await Promise.all([
      readJob(kernel.submit({ pid, model: 'remote:tiny-chars', messages: MESSAGES, params: all(['k']) })),
      readJob(kernel.submit({ pid, model: 'remote:tiny-chars', messages: MESSAGES, params: all(['o']) })),
    ]);
    const seenKeyed = await requests(keyed);
    const seenOpen = await requests(open);
    expect(seenKeyed.some((r) => r.headers.authorization === 'Bearer sk-test-secret-1')).toBe(true);
    expect(seenOpen.length).toBeGreaterThan(0);
    expect(JSON.stringify(seenOpen)).not.toContain('sk-test-secret-1');
    // Not in the kernel's registrations, events, process or job tables.
    const visible = JSON.stringify([kernel.registeredModels(), kernel.events.history(), kernel.ps(), kernel.jobs(), kernel.models()]);
    expect(visible).not.toContain('sk-test-secret');
  });

  test('429 with Retry-After: waits as asked, then runs; a wait longer than the limit is a RateLimitedError', async () => {
    const a = await startServer('limited');
    await control(a, { reset: true, rateLimit: { count: 1, retryAfterS: 1 } });
    await requests(a, true);
    const { kernel, pid } = await remoteKernel([endpoint(a, 'a')]);
    const { result } = await readJob(kernel.submit({ pid, model: 'remote:tiny-chars', messages: MESSAGES, params: all(['a']) }));
    expect(result.stopReason).toBe('length');
    const posts = (await requests(a)).filter((r) => isPost(r));
    expect(posts.map((r) => r.status)).toEqual([429, 200]);
    expect(posts[1]!.at - posts[0]!.at).toBeGreaterThanOrEqual(950);
    await control(a, { rateLimit: { count: 5, retryAfterS: 120 } });
    const h = kernel.submit({ pid, model: 'remote:tiny-chars', messages: MESSAGES, params: all(['a']) });
    await expect(h.result).rejects.toBeInstanceOf(RateLimitedError);
    await expect(h.result).rejects.toMatchObject({ details: { retryAfterMs: 120_000 } });
  });

  test('5xx before the first token: retried with back-off (health-checked first), never more than 3 requests; a failing server is drained while another serves, and used again later', async () => {
    const a = await startServer('flaky');
    await control(a, { reset: true, fail: { count: 2, status: 503 } });
    const { kernel, pid } = await remoteKernel([endpoint(a, 'a')]);
    const { result } = await readJob(kernel.submit({ pid, model: 'remote:tiny-chars', messages: MESSAGES, params: all(['a']) }));
    expect(result.stopReason).toBe('length');
    const seen = (await requests(a)).filter((r) => r.method !== 'OPTIONS');
    expect(seen.filter((r) => isPost(r)).map((r) => r.status)).toEqual([503, 503, 200]);
    // Each retry of a drained server is preceded by a health check.
    const kinds = seen.map((r) => (isPost(r) ? `POST ${r.status}` : `${r.method} ${r.path}`));
    expect(kinds.slice(kinds.indexOf('POST 503'))).toEqual(['POST 503', 'GET /v1/models', 'POST 503', 'GET /v1/models', 'POST 200']);
    // Failing every time: a typed error after 3 requests, nothing delivered.
    await control(a, { reset: true, fail: { count: 10, status: 502 } });
    const h = kernel.submit({ pid, model: 'remote:tiny-chars', messages: MESSAGES, params: all(['a']) });
    await expect(h.result).rejects.toBeInstanceOf(RemoteUnavailableError);
    await expect(h.result).rejects.toMatchObject({ details: { tokensDelivered: 0, status: 502 } });
    expect((await requests(a)).filter((r) => isPost(r))).toHaveLength(3);

    // Two servers: the failing one is drained, the job runs on the other at once; after its back-off the
    // drained one is checked and serves again.
    const b = await startServer('steady');
    await control(a, { reset: true, fail: { count: 1, status: 500 } });
    await control(b, { reset: true });
    const { kernel: k2, pid: p2 } = await remoteKernel([endpoint(a, 'a'), endpoint(b, 'b')]);
    const first = await readJob(k2.submit({ pid: p2, model: 'remote:tiny-chars', messages: MESSAGES, params: all(['a', 'b']) }));
    expect(first.result.computedOn).toMatchObject({ serverId: 'b' });
    expect((await requests(a)).filter((r) => isPost(r)).map((r) => r.status)).toEqual([500]);
    await new Promise((r) => setTimeout(r, 2_200));
    const later = await readJob(k2.submit({ pid: p2, model: 'remote:tiny-chars', messages: MESSAGES, params: all(['a']) }));
    expect(later.result.computedOn).toMatchObject({ serverId: 'a' });
    expect((await requests(a)).filter((r) => isPost(r)).map((r) => r.status)).toEqual([500, 200]);
  });

  test('a server killed mid-stream: a typed error saying what was delivered; with a second server the reply continues there exactly', async () => {
    const ref = await startServer('ref');
    const reference = await direct(ref, { messages: MESSAGES, max_tokens: 24, logit_bias: BIAS, ignore_eos: true });
    // Alone: the job fails, typed, after the tokens it delivered.
    const lone = await startServer('doomed-1');
    await control(lone, { reset: true, dieAfterTokens: 6, tokenDelayMs: 20 });
    const { kernel: k1, pid: p1 } = await remoteKernel([endpoint(lone, 'l')]);
    const h1 = k1.submit({ pid: p1, model: 'remote:tiny-chars', messages: MESSAGES, params: all(['l']) });
    const got: string[] = [];
    const error = await (async () => { try { for await (const t of h1.tokens) got.push(t.text); await h1.result; return null; } catch (e) { return e; } })();
    expect(error).toBeInstanceOf(RemoteUnavailableError);
    expect((error as RemoteUnavailableError).details.tokensDelivered).toBe(got.length);
    expect(got.length).toBeGreaterThanOrEqual(1);
    expect(reference.startsWith(got.join(''))).toBe(true);
    // With a second server: failover continues from the delivered text, token for token the greedy reply.
    const doomed = await startServer('doomed-2');
    const spare = await startServer('spare');
    await control(doomed, { reset: true, dieAfterTokens: 6, tokenDelayMs: 20 });
    await control(spare, { reset: true });
    await requests(spare, true);
    const { kernel, pid } = await remoteKernel([endpoint(doomed, 'd', { maxConcurrent: 4 }), endpoint(spare, 's', { maxConcurrent: 1 })]);
    const { tokens, result } = await readJob(kernel.submit({ pid, model: 'remote:tiny-chars', messages: MESSAGES, params: all(['d', 's']) }));
    expect(tokens.join('')).toBe(reference);
    expect(result.computedOn).toMatchObject({ kind: 'server', serverId: 's' });
    const continued = (await requests(spare)).find((r) => isPost(r))!;
    const last = (continued.body!.messages as { role: string; content: string }[]).at(-1)!;
    expect(last.role).toBe('assistant');
    expect(reference.startsWith(last.content) && last.content.length > 0).toBe(true);
    await killServer('doomed-1');
    await killServer('doomed-2');
  });

  test('preemption of a remote job is cancel-and-resume: the higher-priority job runs, the other continues from its delivered text, exactly', async () => {
    const a = await startServer('preempt');
    await control(a, { reset: true });
    const long = { messages: MESSAGES, max_tokens: 60, logit_bias: BIAS, ignore_eos: true };
    const reference = await direct(a, long);
    await control(a, { tokenDelayMs: 25 });
    await requests(a, true);
    const { kernel } = await remoteKernel([endpoint(a, 'a', { maxConcurrent: 1 })]);
    const bg = kernel.spawn({ name: 'indexer', appId: 'test-app' }, { priority: 'background' });
    const ia = kernel.spawn({ name: 'chat', appId: 'test-app' }, { priority: 'interactive' });
    let high: ReturnType<typeof readJob> | null = null;
    const lo = await readJob(kernel.submit({ pid: bg, model: 'remote:tiny-chars', messages: MESSAGES, params: { ...all(['a']), maxTokens: 60 } }), (_t, n) => {
      if (n === 8) high = readJob(kernel.submit({ pid: ia, model: 'remote:tiny-chars', messages: MESSAGES, params: { ...all(['a']), maxTokens: 6 } }));
    });
    const hi = await high!;
    expect(hi.result.stopReason).toBe('length');
    // One uninterrupted stream: the same greedy reply as the server gives in one go.
    expect(lo.tokens.join('')).toBe(reference);
    expect(lo.result.preemptions).toBe(1);
    const h = kernel.events.history();
    const at = (type: string, id: string) => h.findIndex((e) => e.type === type && (e.detail as { jobId?: string }).jobId === id);
    expect(at('job-preempted', lo.result.jobId)).toBeGreaterThan(-1);
    expect(at('job-finished', hi.result.jobId)).toBeLessThan(at('job-resumed', lo.result.jobId));
    // The resumed run asked the server to continue the delivered text (not to start again).
    const posts = (await requests(a)).filter((r) => isPost(r));
    expect(posts).toHaveLength(3);
    const cut = posts[0]!;
    expect(cut.clientDisconnected).toBe(true);
    const continued = posts[2]!.body!.messages as { role: string; content: string }[];
    expect(continued.at(-1)!.role).toBe('assistant');
    expect(continued.at(-1)!.content.length).toBeGreaterThanOrEqual(8);
    expect(reference.startsWith(continued.at(-1)!.content)).toBe(true);
  });

  test('two servers: concurrent jobs go to the one with room; a remote job runs beside a local model on a one-slot device', async () => {
    const a = await startServer('route-a');
    const b = await startServer('route-b');
    for (const s of [a, b]) { await control(s, { reset: true, tokenDelayMs: 30 }); await requests(s, true); }
    const { kernel, pid } = await remoteKernel([endpoint(a, 'a', { maxConcurrent: 1 }), endpoint(b, 'b', { maxConcurrent: 1 })], { local: true });
    const local = kernel.submit({ pid, model: 'tiny', prompt: 'the model is', params: { temperature: 0, maxTokens: 24, logitBias: BIAS } });
    const jobs = [0, 1].map(() => kernel.submit({ pid, model: 'remote:tiny-chars', messages: MESSAGES, params: all(['a', 'b']) }));
    const results = await Promise.all(jobs.map((h) => readJob(h).then((r) => r.result)));
    await local.result;
    expect(new Set(results.map((r) => r.computedOn.kind === 'server' ? r.computedOn.serverId : 'device'))).toEqual(new Set(['a', 'b']));
    const slots = kernel.events.history().filter((e) => e.type === 'model-loaded').map((e) => (e.detail as { model: string; slot: number }));
    expect(new Set(slots.map((s) => s.model))).toEqual(new Set(['tiny', 'remote:tiny-chars']));
    expect(new Set(slots.map((s) => s.slot)).size).toBe(2);
  });
});
