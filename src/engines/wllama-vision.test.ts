/**
 * Image input through wllama (llama.cpp's mtmd) with the generated vision fixture: tiny.gguf plus a
 * random-weight LLaVA projector (32×32 px → 16 image tokens). Real inference, in-thread and in a worker.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { WllamaEngine } from './wllama-engine';
import type { Engine, GenerateRequest } from '../protocol/engine';
import { EngineClient } from '../kernel/engine-client';
import { clientAsEngine, collect, greedy, TINY_B_URL, TINY_URL } from '../../test/helpers/engines';
import { imageUrl, TINY_MMPROJ_URL } from '../../test/helpers/images';
import { GgufError, InvalidRequestError, UnsupportedInputError } from '../errors';

const IMAGE_TOKENS = 16;

function ask(images: string[] | undefined, extra: Partial<GenerateRequest> = {}): GenerateRequest {
  return greedy({ prompt: undefined, maxTokens: 12, messages: [{ role: 'user', content: 'what is in this picture', ...(images ? { images } : {}) }], ...extra });
}

function describeVision(name: string, make: () => Promise<Engine>, dispose: (e: Engine) => Promise<void>) {
  describe(name, () => {
    let engine: Engine;
    let red: string;
    let green: string;
    beforeAll(async () => {
      engine = await make();
      [red, green] = await Promise.all([imageUrl('#e11'), imageUrl('#1e1')]);
    });
    afterAll(async () => dispose(engine));

    test('a model with a projector reports image input and sees the image', async () => {
      const info = await engine.load({ kind: 'gguf-url', id: 'tiny-vision', url: TINY_URL, projectorUrl: TINY_MMPROJ_URL }, { nThreads: 2, nCtx: 512 });
      expect(info.inputs).toEqual(['text', 'image']);
      const plain = await collect(engine, ask(undefined));
      const withRed = await collect(engine, ask([red]));
      const withGreen = await collect(engine, ask([green]));
      const redAgain = await collect(engine, ask([red]));
      // The image became (at least) its 16 embeddings in the prompt.
      expect(withRed.result.usage.promptTokens - plain.result.usage.promptTokens).toBeGreaterThanOrEqual(IMAGE_TOKENS);
      expect(withRed.result.usage.completionTokens).toBe(12);
      // What the model saw decides what it says: another image, another answer; the same image, the same answer.
      expect(withRed.text).not.toBe(plain.text);
      expect(withGreen.text).not.toBe(withRed.text);
      expect(redAgain.text).toBe(withRed.text);
    });

    test('two images cost twice the image tokens; any browser format and size is accepted', async () => {
      const one = await collect(engine, ask([red]));
      const two = await collect(engine, ask([red, green]));
      expect(two.result.usage.promptTokens - one.result.usage.promptTokens).toBeGreaterThanOrEqual(IMAGE_TOKENS);
      // A large JPEG is decoded by the browser and scaled down before llama.cpp sees it.
      const big = await collect(engine, ask([await imageUrl('#44f', 2400, 1600, 'image/jpeg')]));
      expect(big.result.usage.completionTokens).toBe(12);
    });

    test('bad images are typed errors and the engine stays usable', async () => {
      const garbage = `data:image/png;base64,${btoa('definitely not a png')}`;
      await expect(engine.generate(ask([garbage]), () => {})).rejects.toMatchObject({ code: 'INVALID_REQUEST', details: { field: 'messages[0].images[0]' } });
      await expect(engine.generate(ask(['https://example.com/cat.png']), () => {})).rejects.toBeInstanceOf(InvalidRequestError);
      const onAssistant: GenerateRequest = greedy({ prompt: undefined, messages: [{ role: 'assistant', content: 'x', images: [red] }, { role: 'user', content: 'y' }] });
      await expect(engine.generate(onAssistant, () => {})).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
      await expect(engine.generate(ask([red], { jsonSchema: { type: 'object' } }), () => {})).rejects.toBeInstanceOf(UnsupportedInputError);
      const after = await collect(engine, ask([red]));
      expect(after.result.usage.completionTokens).toBe(12);
    });

    test('a text-only model refuses images with UnsupportedInputError', async () => {
      const info = await engine.load({ kind: 'gguf-url', id: 'tiny', url: TINY_URL }, { nThreads: 2, nCtx: 512 });
      expect(info.inputs).toEqual(['text']);
      const err = await engine.generate(ask([red]), () => {}).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UnsupportedInputError);
      expect(err).toMatchObject({ code: 'INPUT_UNSUPPORTED', details: { input: 'image', modelId: 'tiny' } });
      expect((await collect(engine, ask(undefined))).result.usage.completionTokens).toBe(12);
    });

    test('a projector that is not a clip mmproj is refused before llama.cpp sees it', async () => {
      const err = await engine.load({ kind: 'gguf-url', id: 'bad', url: TINY_URL, projectorUrl: TINY_B_URL }, { nThreads: 2, nCtx: 512 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(GgufError);
      expect((err as GgufError).message).toMatch(/clip/);
    });
  });
}

describeVision('WllamaEngine with a vision projector, in-thread', async () => new WllamaEngine(), (e) => e.unload());
describeVision('WllamaEngine with a vision projector, in a worker', async () => clientAsEngine(await EngineClient.start(), 'wllama'),
  async (e) => { await e.unload(); (e as ReturnType<typeof clientAsEngine>).client.terminate(); });
