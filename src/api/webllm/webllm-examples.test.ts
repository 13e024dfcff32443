/**
 * The WebLLM drop-in on a real kernel: WebLLM's example code (json-mode, multi-round-chat, streaming,
 * text-completion, a worker engine) run with only the import changed to `llm-os/webllm`, under the
 * README's model id (registered for the `tiny` fixture, see test/helpers/webllm.ts).
 */
import { describe, expect, test } from 'vitest';
import * as webllm from 'llm-os/webllm';
import { CreateMLCEngine, CreateWebWorkerMLCEngine } from 'llm-os/webllm';
import { InvalidRequestError } from '../../errors';
import { idle } from '../../../test/helpers/api';
import { README_MODEL, captureLog, keep, kernel, useWebllmKernel } from '../../../test/helpers/webllm';

useWebllmKernel();

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
