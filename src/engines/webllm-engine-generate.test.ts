/**
 * `WebLLMEngine.generate()` and the rest of a loaded engine's life. No WebLLM model can run on this
 * machine (model libraries are compiled wasm on hosts we cannot reach), so web-llm's `MLCEngine` is
 * replaced by `ScriptedMLC`, which follows web-llm 0.2.86's contract as read from its source
 * (`streamCurrentGeneration`: the interrupt flag is cleared when a request starts and checked between
 * decode steps, a final chunk carries `finish_reason` "abort"/"length", then a usage chunk with
 * `usage.extra`). The weights still download for real into WebLLM's IndexedDB cache.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import type { MLCEngine, MLCEngineConfig } from '@mlc-ai/web-llm';
import { WebLLMEngine } from './webllm-engine';
import type { LoadProgress, ModelSource, TokenEvent } from '../protocol/engine';
import { GenerationError, InvalidRequestError, ModelNotLoadedError } from '../errors';
import { MLC_SHARD_BYTES, mlcFixtureRecord } from '../../test/fixtures/mlc-fixture';
import { hostAsEngine } from '../../test/helpers/engines';

type Req = Record<string, unknown> & { max_tokens: number; stream_options?: { include_usage?: boolean } };

class ScriptedMLC {
  requests: Req[] = [];
  interrupts = 0;
  unloaded = false;
  failWith: Error | null = null;
  private interruptSignal = false;
  readonly chat = { completions: { create: (r: Req) => this.create(r, true) } };
  readonly completions = { create: (r: Req) => this.create(r, false) };
  constructor(private readonly config: MLCEngineConfig) {}

  async reload(): Promise<void> {
    const cb = this.config.initProgressCallback;
    for (let i = 1; i <= 4; i++) cb?.({ progress: i / 4, timeElapsed: 0, text: `Loading model from cache[${i}/4]: 1MB loaded.` });
    cb?.({ progress: 1, timeElapsed: 0, text: 'Finish loading on WebGPU - google' });
  }

  async interruptGenerate(): Promise<void> {
    this.interrupts++;
    this.interruptSignal = true;
  }

  async unload(): Promise<void> {
    this.unloaded = true;
  }

  private async create(r: Req, chat: boolean) {
    this.requests.push(r);
    if (this.failWith) throw this.failWith;
    const generate = async function* (this: ScriptedMLC) {
      this.interruptSignal = false; // web-llm clears the flag when the request starts
      let n = 0;
      let finish = 'length';
      while (n < r.max_tokens) {
        if (this.interruptSignal) {
          finish = 'abort';
          break;
        }
        await new Promise((res) => setTimeout(res, 2)); // one decode step
        const piece = `w${n++} `;
        yield chat ? { choices: [{ index: 0, delta: { content: piece, role: 'assistant' }, finish_reason: null }] } : { choices: [{ index: 0, text: piece, finish_reason: null }] };
      }
      yield chat ? { choices: [{ index: 0, delta: { content: '' }, finish_reason: finish }] } : { choices: [{ index: 0, text: '', finish_reason: finish }] };
      if (r.stream_options?.include_usage) {
        yield {
          choices: [],
          usage: {
            prompt_tokens: 7, completion_tokens: n, total_tokens: 7 + n,
            extra: { e2e_latency_s: 0.5, prefill_tokens_per_s: 70, decode_tokens_per_s: 40, time_to_first_token_s: 0.1, time_per_output_token_s: 0.025 },
          },
        };
      }
    };
    return generate.call(this);
  }
}

class ScriptedWebLLMEngine extends WebLLMEngine {
  fake: ScriptedMLC | null = null;
  protected override createMLCEngine(config: MLCEngineConfig): MLCEngine {
    this.fake = new ScriptedMLC(config);
    return this.fake as unknown as MLCEngine;
  }
}

const record = mlcFixtureRecord(location.origin);
const source: ModelSource = { kind: 'mlc', id: record.model_id, record };
const SHARD_TOTAL = MLC_SHARD_BYTES.reduce((a, b) => a + b, 0);
const chat = (maxTokens: number) => ({ messages: [{ role: 'user' as const, content: 'hello' }], maxTokens });

/** A scripted engine under an in-thread `EngineHost` (which keeps the statistics and does interrupt). */
const hosted = () => hostAsEngine(new ScriptedWebLLMEngine());

async function loaded() {
  const engine = hosted();
  await engine.load(source);
  return { engine, fake: engine.engine.fake! };
}

describe('WebLLMEngine once loaded (web-llm scripted, weights real)', () => {
  let events: LoadProgress[] = [];
  let engine: ReturnType<typeof hosted>;
  beforeAll(async () => {
    engine = hosted();
    expect(engine.capabilities().backend).toBe('none');
    const info = await engine.load(source, {}, (p) => events.push(p));
    expect(info).toMatchObject({ id: record.model_id, engine: 'webllm', weightBytes: SHARD_TOTAL, contextLength: 1024 });
  });

  test('reports WebGPU only once loaded, with monotonic progress through download, load and init', () => {
    expect(engine.capabilities()).toMatchObject({ engine: 'webllm', backend: 'webgpu', f16: false, adapter: { architecture: 'swiftshader' } });
    expect(engine.stats()).toMatchObject({ loaded: true, modelId: record.model_id, busy: false });
    expect(new Set(events.map((e) => e.phase))).toEqual(new Set(['download', 'load', 'init']));
    for (let i = 1; i < events.length; i++) expect(events[i]!.fraction).toBeGreaterThanOrEqual(events[i - 1]!.fraction);
    expect(events.at(-1)).toMatchObject({ phase: 'init', fraction: 1 });
    events = [];
  });

  test('streams tokens in order with web-llm usage, and maps the request', async () => {
    const tokens: TokenEvent[] = [];
    const res = await engine.generate({
      ...chat(5), temperature: 0, seed: 3, stop: ['\n'], logitBias: { 3: -100 }, jsonSchema: { type: 'object' },
    }, (t) => tokens.push(t));
    expect(tokens.map((t) => t.index)).toEqual([0, 1, 2, 3, 4]);
    expect(res).toMatchObject({ text: 'w0 w1 w2 w3 w4 ', stopReason: 'length' });
    expect(res.usage).toEqual({ promptTokens: 7, completionTokens: 5, ttftMs: 100, decodeTokensPerSec: 40, prefillTokensPerSec: 70, totalMs: 500 });
    expect(engine.engine.fake!.requests.at(-1)).toMatchObject({
      stream: true, stream_options: { include_usage: true }, max_tokens: 5, temperature: 0, seed: 3, stop: ['\n'],
      logit_bias: { 3: -100 }, response_format: { type: 'json_object', schema: '{"type":"object"}' }, messages: [{ role: 'user', content: 'hello' }],
    });
    expect(engine.stats()).toMatchObject({ generations: 1, tokensGenerated: 5 });
  });

  test('a raw prompt goes through text completions', async () => {
    const res = await engine.generate({ prompt: 'the model is', maxTokens: 3, jsonMode: true }, () => {});
    expect(res.text).toBe('w0 w1 w2 ');
    expect(engine.engine.fake!.requests.at(-1)).toMatchObject({ prompt: 'the model is', response_format: { type: 'json_object' } });
    expect(engine.engine.fake!.requests.at(-1)).not.toHaveProperty('messages');
  });

  test('abort stops within one token with reason abort; interrupt() gives interrupt', async () => {
    const ctrl = new AbortController();
    const seen: string[] = [];
    const res = await engine.generate(chat(200), (t) => {
      seen.push(t.text);
      if (seen.length === 3) ctrl.abort();
    }, ctrl.signal);
    expect(res.stopReason).toBe('abort');
    expect(seen.length).toBeLessThanOrEqual(4);
    expect(res.usage.completionTokens).toBeLessThan(10);

    let n = 0;
    const res2 = await engine.generate(chat(200), () => {
      if (++n === 2) engine.interrupt();
    });
    expect(res2.stopReason).toBe('interrupt');
    expect(n).toBeLessThanOrEqual(3);
    // Already aborted: nothing is sent to web-llm.
    const before = engine.engine.fake!.requests.length;
    const aborted = new AbortController();
    aborted.abort();
    expect((await engine.generate(chat(5), () => {}, aborted.signal)).stopReason).toBe('abort');
    expect(engine.engine.fake!.requests.length).toBe(before);
  });

  test('web-llm errors during generation are typed', async () => {
    const fake = engine.engine.fake!;
    fake.failWith = Object.assign(new Error('Make sure 0 < top_p <= 1'), { name: 'RangeError' });
    await expect(engine.generate(chat(3), () => {})).rejects.toBeInstanceOf(InvalidRequestError);
    fake.failWith = new Error('GPU went away mid-step');
    const err = await engine.generate(chat(3), () => {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GenerationError);
    expect(err).toMatchObject({ code: 'GENERATION_FAILED', details: { modelId: record.model_id, engine: 'webllm' } });
    fake.failWith = null;
    await expect(engine.generate({ prompt: 'x', temperature: Number.NaN }, () => {})).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
  });
});

describe('WebLLMEngine unload', () => {
  test('unload during a generation ends it with abort and frees the engine', async () => {
    const { engine, fake } = await loaded();
    let n = 0;
    let unloading: Promise<void> | null = null;
    const res = await engine.generate(chat(500), () => {
      if (++n === 2) unloading = engine.unload();
    });
    await unloading;
    expect(res.stopReason).toBe('abort');
    expect(fake.unloaded).toBe(true);
    expect(engine.capabilities().backend).toBe('none');
    expect(engine.stats().loaded).toBe(false);
    await expect(engine.generate(chat(2), () => {})).rejects.toBeInstanceOf(ModelNotLoadedError);
  });
});
