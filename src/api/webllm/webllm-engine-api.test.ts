/**
 * The WebLLM drop-in on a real kernel: the engine API beyond the README — lifecycle (reload/unload),
 * request defaults, typed errors, embeddings/logit processors/getGPU*, and tool calling.
 */
import { describe, expect, test } from 'vitest';
import { CreateMLCEngine, MLCEngine } from 'llm-os/webllm';
import { AbortError, InvalidRequestError, ModelNotLoadedError, PermissionError, UnknownModelError, WebLlmLibraryError } from '../../errors';
import { BAN_NON_ASCII_BYTES } from '../../../test/helpers/api';
import { TINY_B_URL, TINY_URL } from '../../../test/helpers/engines';
import { MLC_FIXTURE_NAME, mlcFixtureRecord } from '../../../test/fixtures/mlc-fixture';
import { setModelDefaults } from '../model-ref';
import { README_MODEL, keep, kernel, useWebllmKernel } from '../../../test/helpers/webllm';

useWebllmKernel();

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
