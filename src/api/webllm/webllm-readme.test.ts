/**
 * The WebLLM drop-in on a real kernel: the package entry, and WebLLM's README code run as written, with
 * only the import changed to `llm-os/webllm` (and type annotations where the README leaves parameters
 * untyped); its `console.log` output is captured and checked. The README's model id is registered on this
 * kernel for the `tiny` fixture, so even the model id is WebLLM's (see test/helpers/webllm.ts).
 */
import { describe, expect, test } from 'vitest';
import * as webllm from 'llm-os/webllm';
import { CreateMLCEngine, MLCEngine } from 'llm-os/webllm';
import { TINY_B_URL } from '../../../test/helpers/engines';
import { README_MODEL, captureLog, keep, kernel, processOf, useWebllmKernel } from '../../../test/helpers/webllm';
import * as local from './index';

useWebllmKernel();

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
