/**
 * The WebLLM drop-in on a real kernel (real wllama engine worker, the random-weight `tiny` fixtures).
 * WebLLM's README and example code run here as written, with only the import changed to `llm-os/webllm`
 * (and type annotations where the README leaves parameters untyped); their `console.log` output is
 * captured and checked. The README's model id is registered on this kernel for the `tiny` fixture, so
 * even the model id is WebLLM's.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from 'vitest';
import * as webllm from 'llm-os/webllm';
import { CreateMLCEngine, CreateWebWorkerMLCEngine, MLCEngine } from 'llm-os/webllm';
import { AbortError, InvalidRequestError, ModelNotLoadedError, PermissionError, UnknownModelError, WebLlmLibraryError } from '../../errors';
import type { Kernel } from '../../kernel/kernel';
import { BAN_NON_ASCII_BYTES, fixtureKernel, idle } from '../../../test/helpers/api';
import { TINY_B_URL, TINY_URL } from '../../../test/helpers/engines';
import { MLC_FIXTURE_NAME, mlcFixtureRecord } from '../../../test/fixtures/mlc-fixture';
import { randomFixtureDefaults, setModelDefaults } from '../model-ref';
import { setSharedKernel } from '../shared-kernel';
import * as local from './index';

const README_MODEL = 'Llama-3.1-8B-Instruct-q4f32_1-MLC';
let kernel: Kernel;
const engines: MLCEngine[] = [];

beforeAll(async () => {
  kernel = await fixtureKernel();
  // The README's model id, registered for the tiny fixture: WebLLM code runs with its own model id.
  const size = Number((await fetch(TINY_URL, { method: 'HEAD' })).headers.get('Content-Length'));
  kernel.registerModel({ id: README_MODEL, engine: 'wllama', source: { kind: 'gguf-url', id: README_MODEL, url: TINY_URL }, weightBytes: size, nCtx: 256 });
  setModelDefaults(kernel, README_MODEL, randomFixtureDefaults());
  setModelDefaults(kernel, 'tiny', randomFixtureDefaults());
  setModelDefaults(kernel, 'tiny-b', randomFixtureDefaults());
  // README code names no kernel: engines run on the page's shared kernel, here this one.
  setSharedKernel(kernel);
});
afterEach(async () => {
  for (const e of engines.splice(0)) await e.unload();
  vi.restoreAllMocks();
  await idle(kernel);
});
afterAll(() => {
  setSharedKernel(null);
  kernel.shutdown();
});

/** Keep an engine to unload after the test. */
function keep<T extends MLCEngine>(e: T): T {
  engines.push(e);
  return e;
}

/** Capture `console.log` (the README's output) instead of printing it. */
function captureLog(): unknown[][] {
  const logs: unknown[][] = [];
  vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => { logs.push(args); });
  return logs;
}

const processOf = (e: MLCEngine) => kernel.ps().find((p) => p.pid === e.pid);

describe('the package entry', () => {
  test("'llm-os/webllm' resolves to the drop-in (package.json exports) and exports WebLLM's names", () => {
    expect(webllm.CreateMLCEngine).toBe(local.CreateMLCEngine);
    for (const name of ['CreateMLCEngine', 'MLCEngine', 'CreateWebWorkerMLCEngine', 'WebWorkerMLCEngine', 'CreateServiceWorkerMLCEngine',
      'ServiceWorkerMLCEngine', 'WebWorkerMLCEngineHandler', 'ServiceWorkerMLCEngineHandler', 'prebuiltAppConfig', 'modelVersion', 'modelLibURLPrefix'] as const) {
      expect(webllm[name], name).toBeDefined();
    }
    expect(webllm.prebuiltAppConfig.model_list.length).toBeGreaterThan(50);
    expect(webllm.prebuiltAppConfig.model_list.some((m) => m.model_id === README_MODEL)).toBe(true);
    expect(webllm.modelVersion).toMatch(/^v\d+_\d+_\d+\/base$/);
  });
});

describe("WebLLM's README, unchanged but for the import", () => {
  test('Create MLCEngine + Chat Completion: real load progress, then an OpenAI-shaped reply with usage', async () => {
    const logs = captureLog();
    // --- README: "Create MLCEngine" ---
    // Callback function to update model loading progress
    const initProgressCallback = (initProgress: webllm.InitProgressReport) => {
      console.log(initProgress);
    };
    const selectedModel = "Llama-3.1-8B-Instruct-q4f32_1-MLC";

    const engine = await CreateMLCEngine(
      selectedModel,
      { initProgressCallback: initProgressCallback }, // engineConfig
    );
    // --- README: "Chat Completion" ---
    const messages = [
      { role: "system" as const, content: "You are a helpful AI assistant." },
      { role: "user" as const, content: "Hello!" },
    ];

    const reply = await engine.chat.completions.create({
      messages,
    });
    console.log(reply.choices[0].message);
    console.log(reply.usage);
    // --- end of README code ---
    keep(engine);

    const reports = logs.slice(0, -2).map(([r]) => r as webllm.InitProgressReport);
    const progress = reports.map((r) => r.progress);
    expect(progress[0]).toBe(0);
    expect(progress.at(-1)).toBe(1);
    expect(progress.length).toBeGreaterThan(2); // the kernel's real load progress in between
    for (let i = 1; i < progress.length; i++) expect(progress[i]).toBeGreaterThan(progress[i - 1]!);
    for (let i = 1; i < reports.length; i++) expect(reports[i]!.timeElapsed).toBeGreaterThanOrEqual(reports[i - 1]!.timeElapsed);
    for (const r of reports) expect(typeof r.text).toBe('string');
    expect(reports.at(-1)!.text).toContain(selectedModel);
    expect(kernel.models().find((m) => m.id === selectedModel)?.state).toBe('loaded');

    // The reply: the model's (meaningless) words up to the end of its 256-token context (no max_tokens; the fixture ignores EOS).
    const [[message], [usage]] = logs.slice(-2) as [[{ role: string; content: string }], [webllm.CompletionUsage]];
    expect(message).toMatchObject({ role: 'assistant' });
    expect(message.content.length).toBeGreaterThan(0);
    expect(reply.model).toBe(selectedModel);
    expect(reply.choices[0].finish_reason).toBe('length');
    expect(usage.prompt_tokens).toBeGreaterThan(5);
    expect(usage.completion_tokens).toBeGreaterThan(100);
    expect(usage.total_tokens).toBe(usage.prompt_tokens + usage.completion_tokens);
    expect(usage.total_tokens).toBeLessThanOrEqual(256);
    expect(usage.extra.e2e_latency_s).toBeGreaterThan(0);
    expect(usage.extra.time_to_first_token_s).toBeGreaterThan(0);
    expect(usage.extra.time_to_first_token_s).toBeLessThanOrEqual(usage.extra.e2e_latency_s);
    expect(usage.extra.decode_tokens_per_s).toBeGreaterThan(0);
    expect(await engine.getMessage()).toBe(message.content);
    // One kernel process per engine, with WebLLM's app id.
    expect(processOf(engine)).toMatchObject({ appId: 'webllm', name: 'webllm' });
  }, 180_000);

  test('new MLCEngine() + reload() separately: progress 0 then 1 when the model is already resident', async () => {
    const seen: webllm.InitProgressReport[] = [];
    const initProgressCallback = (report: webllm.InitProgressReport) => { seen.push(report); };
    const selectedModel = "Llama-3.1-8B-Instruct-q4f32_1-MLC";
    // --- README ---
    // This is a synchronous call that returns immediately
    const engine = new MLCEngine({
      initProgressCallback: initProgressCallback,
    });

    // This is an asynchronous call and can take a long time to finish
    await engine.reload(selectedModel);
    // --- end ---
    keep(engine);
    expect(seen.map((r) => r.progress)).toEqual([0, 1]);
    expect(engine.getInitProgressCallback()).toBe(initProgressCallback);
  });

  test('Streaming with include_usage: usage only on the last chunk, getMessage() is the streamed reply', async () => {
    const engine = keep(await CreateMLCEngine(README_MODEL));
    const logs = captureLog();
    const seen: webllm.ChatCompletionChunk[] = [];
    const spy = { chunk: (c: webllm.ChatCompletionChunk) => { seen.push(c); } };
    // --- README: "Streaming" ---
    const messages = [
      { role: "system" as const, content: "You are a helpful AI assistant." },
      { role: "user" as const, content: "Hello!" },
    ];

    // Chunks is an AsyncGenerator object
    const chunks = await engine.chat.completions.create({
      messages,
      temperature: 1,
      stream: true, // <-- Enable streaming
      stream_options: { include_usage: true },
    });

    let reply = "";
    for await (const chunk of chunks) {
      spy.chunk(chunk);
      reply += chunk.choices[0]?.delta.content || "";
      console.log(reply);
      if (chunk.usage) {
        console.log(chunk.usage); // only last chunk has usage
      }
    }

    const fullReply = await engine.getMessage();
    console.log(fullReply);
    // --- end ---
    expect(reply.length).toBeGreaterThan(0);
    expect(fullReply).toBe(reply);
    expect(logs.at(-1)![0]).toBe(reply);
    const withUsage = seen.filter((c) => c.usage);
    expect(withUsage).toEqual([seen.at(-1)]);
    expect(seen.at(-1)!.choices).toEqual([]);
    const usage = seen.at(-1)!.usage!;
    expect(usage.total_tokens).toBe(usage.prompt_tokens + usage.completion_tokens);
    expect(usage.completion_tokens).toBeGreaterThan(1);
    expect(usage.extra.time_per_output_token_s).toBeGreaterThan(0);
    expect(logs.some(([l]) => l === usage)).toBe(true);
    expect(seen.at(-2)!.choices[0]!.finish_reason).toMatch(/^(stop|length)$/);
    for (const c of seen.slice(0, -2)) expect(c.choices[0]!.finish_reason).toBeNull();

    // Without stream_options no chunk carries usage at all (the drop-in asks connect() for it, for runtimeStatsText, and strips it).
    const plain: webllm.ChatCompletionChunk[] = [];
    for await (const c of await engine.chat.completions.create({ messages, stream: true, max_tokens: 6 })) plain.push(c);
    expect(plain.every((c) => !('usage' in c))).toBe(true);
    expect(plain.at(-1)!.choices[0]!.finish_reason).toBe('length');
    expect(await engine.runtimeStatsText()).toMatch(/^prefill: \d+\.\d{4} tokens\/sec, decoding: \d+\.\d{4} tokens\/sec$/);
  });

  test('Custom models: an appConfig.model_list entry (a GGUF URL here) becomes a kernel registration under its model_id', async () => {
    // --- README: "Custom Models" (the URLs point at a fixture; model_lib is not used for a GGUF file) ---
    const appConfig = {
      "model_list": [
        {
          "model": TINY_B_URL,
          "model_id": "MyLlama-3b-v1-q4f32_0",
          "model_lib": "/url/to/myllama3b.wasm",
        }
      ],
    };
    // override default
    const chatOpts = {
      "repetition_penalty": 1.01,
      "context_window_size": 256,
    };

    // load a prebuilt model
    // with a chat option override and app config
    const engine = await CreateMLCEngine(
      "MyLlama-3b-v1-q4f32_0",
      { appConfig }, // engineConfig
      chatOpts,
    );
    // --- end ---
    keep(engine);
    const reg = kernel.registeredModels().find((m) => m.id === 'MyLlama-3b-v1-q4f32_0');
    expect(reg).toMatchObject({ engine: 'wllama', nCtx: 256, source: { kind: 'gguf-url', id: 'MyLlama-3b-v1-q4f32_0' } });
    expect((reg!.source as { url: string }).url).toContain(TINY_B_URL);
    const r = await engine.chat.completions.create({ messages: [{ role: 'user', content: 'Hi' }], max_tokens: 4 });
    expect(r.model).toBe('MyLlama-3b-v1-q4f32_0');
    expect(r.usage.completion_tokens).toBe(4);
    // The fixture's defaults (greedy) came with it: the same request gives the same text.
    const again = await engine.chat.completions.create({ messages: [{ role: 'user', content: 'Hi' }], max_tokens: 4 });
    expect(again.choices[0].message.content).toBe(r.choices[0].message.content);
  });
});

describe("WebLLM's examples", () => {
  test('json-mode: response_format json_object gives JSON; n: 2 is refused with a typed error', async () => {
    const engine = keep(await CreateMLCEngine(README_MODEL));
    // --- examples/json-mode, without n: 2 (one choice per request here) ---
    const request: webllm.ChatCompletionRequest = {
      stream: false,  // works with streaming, logprobs, top_logprobs as well
      messages: [
        { "role": "user", "content": "Write a short JSON file introducing yourself." }
      ],
      max_tokens: 64,
      response_format: { type: "json_object" } as webllm.ResponseFormat
    };
    const reply0 = await engine.chatCompletion(request as webllm.ChatCompletionRequestNonStreaming);
    // --- end ---
    if (reply0.choices[0].finish_reason === 'stop') expect(() => JSON.parse(reply0.choices[0].message.content!)).not.toThrow();
    else expect(reply0.choices[0].finish_reason).toBe('length');
    expect(await engine.getMessage()).toBe(reply0.choices[0].message.content);
    const err = await engine.chatCompletion({ ...request, n: 2 } as webllm.ChatCompletionRequestNonStreaming).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidRequestError);
    expect((err as InvalidRequestError).details.field).toBe('n');

    // WebLLM's own JSON Schema form ({type: 'json_object', schema: '<string>'}) is honoured: valid JSON of that schema.
    const schema = JSON.stringify({ type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'], additionalProperties: false });
    const typed = await engine.chat.completions.create({
      messages: [{ role: 'user', content: 'Answer.' }], max_tokens: 48, response_format: { type: 'json_object', schema },
    });
    expect(Object.keys(JSON.parse(typed.choices[0].message.content!))).toEqual(['ok']);
    await expect(engine.chat.completions.create({ messages: [{ role: 'user', content: 'x' }], response_format: { type: 'json_object', schema: '{nope' } }))
      .rejects.toMatchObject({ code: 'INVALID_REQUEST', details: { field: 'response_format.schema' } });
  });

  test('multi-round-chat: the history goes with every request; prompt_tokens counts all of it (documented difference)', async () => {
    const engine = keep(await CreateMLCEngine(README_MODEL));
    // --- examples/multi-round-chat ---
    // Round 0
    const messages: webllm.ChatCompletionMessageParam[] = [
      {
        "role": "system",
        "content": "You are a helpful, respectful and honest assistant. " +
          "Be as happy as you can when speaking please. "
      },
      { "role": "user", "content": "Provide me three US states." },
    ];

    const reply0 = await engine.chat.completions.create({
      stream: false,  // can be streaming, same behavior
      messages: messages,
      max_tokens: 16,
    });
    const replyMessage0 = await engine.getMessage();

    // Round 1
    // Append generated response to messages
    messages.push({ "role": "assistant", "content": replyMessage0 });
    // Append new user input
    messages.push({ "role": "user", "content": "Two more please!" });

    const reply1 = await engine.chat.completions.create({
      stream: false,  // can be streaming, same behavior
      messages: messages,
      max_tokens: 16,
    });
    const replyMessage1 = await engine.getMessage();

    const prefillTokens0 = reply0.usage?.prompt_tokens;
    const prefillTokens1 = reply1.usage?.prompt_tokens;
    // --- end (WebLLM's example then throws unless prefillTokens1 <= prefillTokens0: it counts only newly prefilled tokens) ---
    expect(replyMessage0).toBe(reply0.choices[0].message.content);
    expect(replyMessage1).toBe(reply1.choices[0].message.content);
    expect(prefillTokens1).toBeGreaterThan(prefillTokens0! + 16);
    expect(await engine.runtimeStatsText()).toMatch(/^prefill: [1-9]\d*\.\d{4} tokens\/sec, decoding: [1-9]\d*\.\d{4} tokens\/sec$/);
  });

  test('streaming + interruptGenerate(): the stream ends normally with finish_reason abort, and the kernel job stops', async () => {
    const engine = keep(await CreateMLCEngine(README_MODEL));
    const logs = captureLog();
    const seen: webllm.ChatCompletionChunk[] = [];
    // --- examples/streaming, with the commented-out interrupt enabled after a few chunks ---
    const request: webllm.ChatCompletionRequest = {
      stream: true,
      stream_options: { include_usage: true },
      messages: [
        {
          role: "system",
          content:
            "You are a pirate chatbot who always responds in pirate speak!",
        },
        { role: "user", content: "Who are you?" },
      ],
      max_tokens: 200,
    };

    const asyncChunkGenerator = await engine.chat.completions.create(request as webllm.ChatCompletionRequestStreaming);
    let message = "";
    for await (const chunk of asyncChunkGenerator) {
      console.log(chunk);
      seen.push(chunk);
      message += chunk.choices[0]?.delta?.content || "";
      if (chunk.usage) {
        console.log(chunk.usage); // only last chunk has usage
      }
      if (seen.length === 4) engine.interruptGenerate();  // works with interrupt as well
    }
    // --- end ---
    expect(logs.at(-1)![0]).toBe(seen.at(-1)!.usage);
    expect(await engine.getMessage()).toBe(message);
    const finish = seen.at(-2)!;
    expect(finish.choices[0]).toMatchObject({ finish_reason: 'abort', delta: {} });
    const usage = seen.at(-1)!.usage!;
    expect(seen.at(-1)!.choices).toEqual([]);
    expect(usage.completion_tokens).toBeGreaterThanOrEqual(3);
    expect(usage.completion_tokens).toBeLessThan(200);
    expect(seen.length).toBeLessThan(40);
    await idle(kernel, 3000);
    // An interrupt applies to the requests running when it is raised: the next one runs to the end.
    const next = await engine.chat.completions.create({ messages: [{ role: 'user', content: 'Again' }], max_tokens: 5 });
    expect(next.choices[0].finish_reason).toBe('length');
    expect(next.usage.completion_tokens).toBe(5);
  });

  test('interruptGenerate() during a non-streaming request resolves it with finish_reason abort', async () => {
    const engine = keep(await CreateMLCEngine(README_MODEL));
    let settled = false;
    const pending = engine.chat.completions.create({ messages: [{ role: 'user', content: 'Talk.' }], max_tokens: 200 }).finally(() => { settled = true; });
    // Interrupt once the job has produced a few tokens.
    while (!settled && !kernel.jobs().some((j) => j.pid === engine.pid && j.tokens >= 3)) await new Promise((r) => setTimeout(r, 5));
    engine.interruptGenerate();
    const reply = await pending;
    expect(reply.choices[0].finish_reason).toBe('abort');
    expect(reply.usage.completion_tokens).toBeGreaterThanOrEqual(3);
    expect(reply.usage.completion_tokens).toBeLessThan(200);
    await idle(kernel, 3000);
  });

  test('text-completion: completions.create() runs the raw prompt (no chat template), streamed or not', async () => {
    const engine = keep(await CreateMLCEngine(README_MODEL));
    // --- examples/text-completion (echo; n, logprobs and top_logprobs dropped: see docs/webllm.md) ---
    const reply0 = await engine.completions.create({
      prompt: "List 3 US states: ",
      // below configurations are all optional
      echo: true,
      max_tokens: 8,
    });
    // --- end ---
    expect(reply0).toMatchObject({ object: 'text_completion', model: README_MODEL });
    expect(reply0.choices).toHaveLength(1);
    const choice = reply0.choices[0]!;
    expect(choice).toMatchObject({ index: 0, finish_reason: 'length', logprobs: null });
    expect(choice.text.startsWith('List 3 US states: ')).toBe(true);
    expect(choice.text.length).toBeGreaterThan('List 3 US states: '.length);
    expect(reply0.usage).toMatchObject({ completion_tokens: 8 });
    expect(await engine.getMessage()).toBe(choice.text.slice('List 3 US states: '.length));
    // No chat template: fewer prompt tokens than the same text as a chat message.
    const chat = await engine.chat.completions.create({ messages: [{ role: 'user', content: 'List 3 US states: ' }], max_tokens: 1 });
    expect(reply0.usage!.prompt_tokens).toBeLessThan(chat.usage.prompt_tokens);

    const chunks: webllm.Completion[] = [];
    for await (const c of await engine.completions.create({ prompt: 'List 3 US states: ', max_tokens: 6, stream: true, stream_options: { include_usage: true } })) {
      chunks.push(c);
    }
    expect(chunks.map((c) => c.choices[0]?.text ?? '').join('')).toBe(await engine.getMessage());
    expect(chunks.at(-2)!.choices[0]!.finish_reason).toBe('length');
    expect(chunks.filter((c) => c.usage)).toEqual([chunks.at(-1)]);
    expect(chunks.at(-1)!.usage).toMatchObject({ completion_tokens: 6 });
    const echoed: string[] = [];
    for await (const c of await engine.completions.create({ prompt: 'Echo: ', echo: true, max_tokens: 2, stream: true })) echoed.push(c.choices[0]?.text ?? '');
    expect(echoed[0]).toBe('Echo: ');
    expect(echoed.join('')).toBe(`Echo: ${await engine.getMessage()}`);
    // The same greedy tokens as the non-streamed reply.
    expect(choice.text).toContain(chunks.map((c) => c.choices[0]?.text ?? '').join('').slice(0, 4));

    for (const [body, field] of [[{ prompt: 'x', suffix: 'y' }, 'suffix'], [{ prompt: 'x', logprobs: true }, 'logprobs'], [{ prompt: ['x'] }, 'prompt']] as const) {
      const err = await engine.completions.create(body as never).catch((e: unknown) => e);
      expect(err, field).toBeInstanceOf(InvalidRequestError);
      expect((err as InvalidRequestError).details.field).toBe(field);
    }
  });

  test('a worker engine: the worker argument is accepted and left alone; the engine runs on the kernel', async () => {
    const worker = new Worker(URL.createObjectURL(new Blob([''], { type: 'text/javascript' })));
    const selectedModel = README_MODEL;
    const initProgressCallback = () => {};
    // --- README: "Dedicated Web Worker", main.ts ---
    // Use a WebWorkerMLCEngine instead of MLCEngine here
    const engine = await CreateWebWorkerMLCEngine(
      worker,
      selectedModel,
      { initProgressCallback }, // engineConfig
    );
    // everything else remains the same
    // --- end ---
    keep(engine);
    expect(engine).toBeInstanceOf(webllm.WebWorkerMLCEngine);
    expect(engine.worker).toBe(worker);
    expect((await engine.chat.completions.create({ messages: [{ role: 'user', content: 'hi' }], max_tokens: 2 })).usage.completion_tokens).toBe(2);
    // The worker side compiles and does nothing.
    const handler = new webllm.WebWorkerMLCEngineHandler();
    expect(() => handler.onmessage(new MessageEvent('message'))).not.toThrow();
    worker.terminate();
  });
});

describe('engine lifecycle and errors', () => {
  test('before reload(): chat, completions and getMessage reject with ModelNotLoadedError; resetChat is a no-op', async () => {
    const engine = new MLCEngine();
    const err = await engine.chat.completions.create({ messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelNotLoadedError);
    expect(err).toMatchObject({ name: 'ModelNotLoadedError', code: 'MODEL_NOT_LOADED', details: { request: 'ChatCompletionRequest', loaded: [] } });
    await expect(engine.completions.create({ prompt: 'x' })).rejects.toBeInstanceOf(ModelNotLoadedError);
    await expect(engine.getMessage()).rejects.toBeInstanceOf(ModelNotLoadedError);
    await expect(engine.runtimeStatsText()).rejects.toBeInstanceOf(ModelNotLoadedError);
    await expect(engine.resetChat()).resolves.toBeUndefined();
    expect(engine.pid).toBeNull();
  });

  test('unload(): running streams end with AbortError, the process exits, later requests get ModelNotLoadedError; reload() works again', async () => {
    const engine = keep(await CreateMLCEngine(README_MODEL));
    const pid = engine.pid!;
    const stream = await engine.chat.completions.create({ messages: [{ role: 'user', content: 'Talk.' }], max_tokens: 200, stream: true });
    let n = 0;
    const err = await (async () => {
      for await (const c of stream) if (c.choices[0]?.delta.content && ++n === 2) await engine.unload();
    })().then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(AbortError);
    expect(kernel.ps().find((p) => p.pid === pid)?.state).toBe('exited');
    expect(engine.pid).toBeNull();
    await expect(engine.chat.completions.create({ messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({ code: 'MODEL_NOT_LOADED' });
    await expect(engine.getMessage()).rejects.toBeInstanceOf(ModelNotLoadedError);
    await engine.reload(README_MODEL);
    expect(engine.pid).not.toBe(pid);
    expect((await engine.chat.completions.create({ messages: [{ role: 'user', content: 'x' }], max_tokens: 2 })).usage.completion_tokens).toBe(2);
  });

  test('unload() during reload() rejects the reload with AbortError', async () => {
    const engine = new MLCEngine({ appConfig: { model_list: [{ model: TINY_B_URL, model_id: 'tiny-b-late' }] } });
    const p = engine.reload('tiny-b-late');
    await engine.unload();
    await expect(p).rejects.toBeInstanceOf(AbortError);
    await expect(engine.getMessage()).rejects.toBeInstanceOf(ModelNotLoadedError);
  });

  test('reload(): another model replaces the first; several models need `model` in each request', async () => {
    const A = README_MODEL;
    const engine = keep(await CreateMLCEngine(A));
    await engine.reload('tiny-b');
    const r = await engine.chat.completions.create({ messages: [{ role: 'user', content: 'x' }], max_tokens: 2 });
    expect(r.model).toBe('tiny-b');
    await expect(engine.chat.completions.create({ model: A, messages: [{ role: 'user', content: 'x' }] }))
      .rejects.toMatchObject({ code: 'MODEL_NOT_LOADED', details: { model: A, loaded: ['tiny-b'] } });

    const progress: number[] = [];
    engine.setInitProgressCallback((rep) => progress.push(rep.progress));
    await engine.reload([A, 'tiny-b']);
    expect(progress.filter((p) => p === 1)).toHaveLength(2);
    await expect(engine.chat.completions.create({ messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({ code: 'INVALID_REQUEST', details: { field: 'model' } });
    const a = await engine.chat.completions.create({ model: A, messages: [{ role: 'user', content: 'x' }], max_tokens: 3 });
    const b = await engine.chat.completions.create({ model: 'tiny-b', messages: [{ role: 'user', content: 'y' }], max_tokens: 2 });
    expect(await engine.getMessage(A)).toBe(a.choices[0].message.content);
    expect(await engine.getMessage('tiny-b')).toBe(b.choices[0].message.content);
    await expect(engine.getMessage()).rejects.toBeInstanceOf(InvalidRequestError);
    await expect(engine.reload([A, A])).rejects.toMatchObject({ details: { field: 'modelId' } });
    await expect(engine.reload([A, 'tiny-b'], [{}])).rejects.toMatchObject({ details: { field: 'chatOpts' } });
  }, 180_000);

  test('chat options are request defaults: the request\'s own field wins', async () => {
    // An out-of-range default shows where it lands: connect() refuses it as if the request had said it.
    const engine = keep(await CreateMLCEngine(README_MODEL, undefined, { temperature: 5 }));
    await expect(engine.chat.completions.create({ messages: [{ role: 'user', content: 'x' }], max_tokens: 2 }))
      .rejects.toMatchObject({ code: 'INVALID_REQUEST', details: { field: 'temperature' } });
    await expect(engine.completions.create({ prompt: 'x', max_tokens: 2 })).rejects.toMatchObject({ details: { field: 'temperature' } });
    const r = await engine.chat.completions.create({ messages: [{ role: 'user', content: 'x' }], max_tokens: 2, temperature: 0 });
    expect(r.usage.completion_tokens).toBe(2);
  });

  test('resetChat(): clears the last message and (unless keepStats) the statistics', async () => {
    const engine = keep(await CreateMLCEngine(README_MODEL));
    await engine.chat.completions.create({ messages: [{ role: 'user', content: 'x' }], max_tokens: 6 });
    expect(await engine.getMessage()).not.toBe('');
    const stats = await engine.runtimeStatsText();
    expect(stats).not.toBe('prefill: 0.0000 tokens/sec, decoding: 0.0000 tokens/sec');
    await engine.resetChat(true);
    expect(await engine.getMessage()).toBe('');
    expect(await engine.runtimeStatsText()).toBe(stats);
    await engine.resetChat();
    expect(await engine.runtimeStatsText()).toBe('prefill: 0.0000 tokens/sec, decoding: 0.0000 tokens/sec');
  });

  test('request fields reach connect() as they are (LLM OS priority, stop, seed…), model defaults to the loaded one', async () => {
    const engine = keep(await CreateMLCEngine(README_MODEL));
    // An app without a policy may not ask for realtime: connect()'s own refusal, so the field got there.
    await expect(engine.chat.completions.create({ messages: [{ role: 'user', content: 'x' }], priority: 'realtime' })).rejects.toBeInstanceOf(PermissionError);
    const err = await engine.chat.completions.create({ messages: [{ role: 'user', content: 'x' }], temperature: 5 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'INVALID_REQUEST', details: { field: 'temperature' } });
    await expect(engine.chat.completions.create({ messages: [{ role: 'user', content: 'x' }], response_format: { type: 'grammar', grammar: 'root ::= "a"' } }))
      .rejects.toMatchObject({ code: 'INVALID_REQUEST', details: { field: 'response_format.type' } });
    const r = await engine.chat.completions.create({ model: README_MODEL, messages: [{ role: 'user', content: 'x' }], max_tokens: 3, seed: 7 });
    expect(r.usage.completion_tokens).toBe(3);
  });

  test('unknown model ids are UnknownModelError; an MLC model_list entry runs on the kernel WebLLM engine (missing library: typed error)', async () => {
    const live = () => kernel.ps().filter((p) => p.appId === 'webllm' && p.state !== 'exited').length;
    const before = live();
    await expect(CreateMLCEngine('no-such-model-MLC')).rejects.toBeInstanceOf(UnknownModelError);
    await expect(CreateMLCEngine(README_MODEL.replace('8B', '80B'), { appConfig: { model_list: [] } })).rejects.toMatchObject({ code: 'MODEL_UNKNOWN' });
    expect(live()).toBe(before); // a failed CreateMLCEngine leaves no process behind
    const record = mlcFixtureRecord(location.origin, { model_id: `${MLC_FIXTURE_NAME}-dropin-q0f32-MLC` });
    const progress: number[] = [];
    const err = await CreateMLCEngine(record.model_id, { appConfig: { model_list: [record] }, initProgressCallback: (r) => progress.push(r.progress) })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WebLlmLibraryError);
    expect(kernel.registeredModels().find((m) => m.id === record.model_id)).toMatchObject({
      engine: 'webllm', source: { kind: 'mlc', id: record.model_id, record: { model: record.model, model_lib: record.model_lib } },
    });
    expect(progress[0]).toBe(0);
    expect(progress.length).toBeGreaterThan(2); // the weights downloaded, as the kernel reported it
    expect(progress).not.toContain(1);
    expect(live()).toBe(before);
  });

  test('embeddings, logit processors and getGPU* answer as documented', async () => {
    const engine = keep(await CreateMLCEngine(README_MODEL));
    const err = await engine.embeddings.create({ input: 'x' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'INVALID_REQUEST', details: { feature: 'embeddings' } });
    expect(() => new MLCEngine({ logitProcessorRegistry: new Map([['m', {}]]) })).toThrow(InvalidRequestError);
    await expect(engine.forwardTokensAndSample([1, 2], true)).rejects.toMatchObject({ code: 'INVALID_REQUEST', details: { feature: 'forward-tokens' } });
    expect(await engine.listResumableSessions()).toEqual([]);
    await expect(engine.resumeChatCompletion('s1')).rejects.toMatchObject({ details: { feature: 'resumable' } });
    await expect(engine.chat.completions.create({ messages: [{ role: 'user', content: 'x' }], extra_body: { resumable: { enabled: true } } }))
      .rejects.toMatchObject({ details: { field: 'extra_body.resumable' } });
    const signed = { model: TINY_B_URL, model_id: 'signed-model', integrity: { model_lib: 'sha256-x' } };
    await expect(CreateMLCEngine('signed-model', { appConfig: { model_list: [signed] } }))
      .rejects.toMatchObject({ code: 'INVALID_REQUEST', details: { field: 'appConfig.model_list[0].integrity' } });
    expect(typeof await engine.getGPUVendor()).toBe('string');
    if (kernel.probe?.gpu) expect(await engine.getMaxStorageBufferBindingSize()).toBe(kernel.probe.gpu.maxStorageBufferBindingSize);
    else await expect(engine.getMaxStorageBufferBindingSize()).rejects.toMatchObject({ code: 'WEBGPU_UNAVAILABLE' });
  });
});

describe('tool calling through the drop-in', () => {
  test('WebLLM-style code with tools gets OpenAI tool_calls, held to the schema by the grammar', async () => {
    const size = Number((await fetch(TINY_URL, { method: 'HEAD' })).headers.get('Content-Length'));
    kernel.registerModel({ id: 'tiny-tools', engine: 'wllama', source: { kind: 'gguf-url', id: 'tiny-tools', url: TINY_URL }, weightBytes: size, nCtx: 1024 });
    // Greedy, non-ASCII bytes banned: random weights would write invalid UTF-8 (see BAN_NON_ASCII_BYTES).
    setModelDefaults(kernel, 'tiny-tools', { temperature: 0, logitBias: Object.fromEntries(Object.entries(BAN_NON_ASCII_BYTES).map(([k, v]) => [Number(k), v])) });
    const engine = keep(await CreateMLCEngine('tiny-tools'));
    const reply = await engine.chat.completions.create({
      messages: [{ role: 'user', content: 'What time is it in UTC?' }],
      tools: [{ type: 'function', function: { name: 'clock', description: 'The time', parameters: { type: 'object', properties: { zone: { enum: ['utc', 'local'] } }, required: ['zone'] } } }],
      tool_choice: 'required',
      parallel_tool_calls: false,
      max_tokens: 200,
    });
    const choice = reply.choices[0]!;
    expect(choice.finish_reason).toBe('tool_calls');
    expect(choice.message.tool_calls).toHaveLength(1);
    const call = choice.message.tool_calls![0]!;
    expect(call.function.name).toBe('clock');
    expect(['utc', 'local']).toContain(JSON.parse(call.function.arguments).zone);
  });
});
