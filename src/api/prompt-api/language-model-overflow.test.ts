/**
 * The Prompt API polyfill's context overflow (oldest turns dropped, `contextoverflow`, QuotaExceededError
 * that removes nothing) and its installation on `globalThis`, over a real kernel and the fixture model.
 * The rest of the session's behaviour: language-model.test.ts.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Kernel } from '../../kernel/kernel';
import type { SubmitRequest } from '../../kernel/types';
import { fixtureKernel } from '../../../test/helpers/api';
import { randomFixtureDefaults } from '../model-ref';
import { createLanguageModelClass, hasNativeLanguageModel, installLanguageModelPolyfill } from './language-model-polyfill';

let kernel: Kernel;
/** Every request the polyfill submitted, in order. */
const sent: SubmitRequest[] = [];
const SYSTEM = { role: 'system' as const, content: 'You answer in few words.' };

beforeAll(async () => {
  kernel = await fixtureKernel({ nCtx: 512 });
  const submit = kernel.submit.bind(kernel);
  kernel.submit = (req) => { sent.push(req); return submit(req); };
});
afterAll(() => kernel.shutdown());

/** The conversation of the last generation (not token count) the polyfill sent. */
const lastConversation = () => [...sent].reverse().find((r) => (r.params?.maxTokens ?? 0) > 1)!.messages!;

describe('context overflow', () => {
  test('drops the oldest turns (never the initial prompts) and fires contextoverflow; QuotaExceededError removes nothing', async () => {
    const Small = createLanguageModelClass({ kernel, model: 'tiny', params: randomFixtureDefaults(), defaultTemperature: 0, maxOutputTokens: 6, contextWindow: 160 });
    const s = await Small.create({ initialPrompts: [SYSTEM] });
    expect(s.contextWindow).toBe(160);
    const initialUsage = s.contextUsage;
    let overflows = 0;
    let legacy = 0;
    s.oncontextoverflow = () => overflows++;
    s.addEventListener('quotaoverflow', () => legacy++);
    const questions = ['first question here', 'second question here', 'third question here', 'fourth question here', 'fifth question here'];
    for (const q of questions) {
      await s.prompt(q);
      expect(s.contextUsage).toBeLessThanOrEqual(160);
    }
    expect(overflows).toBeGreaterThan(0);
    expect(legacy).toBe(overflows);
    const convo = lastConversation();
    expect(convo[0]).toEqual(SYSTEM); // initial prompts kept
    expect(convo.some((m) => m.content.startsWith('first question'))).toBe(false); // oldest turn dropped
    expect(convo.at(-1)!.content).toBe('fifth question here');
    expect(s.contextUsage).toBeGreaterThan(initialUsage);

    // Too big even with every turn dropped: QuotaExceededError, nothing removed, no event.
    const usage = s.contextUsage;
    const events = overflows;
    const err = await s.prompt('word '.repeat(200)).then(() => null, (e) => e);
    expect(err).toBeInstanceOf(DOMException);
    expect(err.name).toBe('QuotaExceededError');
    expect(err.quota).toBe(160);
    expect(err.requested).toBeGreaterThan(160);
    expect(s.contextUsage).toBe(usage);
    expect(overflows).toBe(events);
    await s.prompt('sixth question here');
    expect(lastConversation().some((m) => m.content === 'fifth question here')).toBe(true);

    // Initial prompts larger than the window: create() itself fails with QuotaExceededError.
    await expect(Small.create({ initialPrompts: [{ role: 'system', content: 'word '.repeat(200) }] })).rejects.toMatchObject({ name: 'QuotaExceededError' });
  });
});

describe('installation', () => {
  test('installs only where there is no native LanguageModel, or when forced', () => {
    const g = globalThis as { LanguageModel?: unknown };
    const original = Object.getOwnPropertyDescriptor(globalThis, 'LanguageModel');
    try {
      // This Chromium ships a native LanguageModel: it is kept unless forced.
      if (g.LanguageModel) {
        expect(hasNativeLanguageModel()).toBe(true);
        const kept = installLanguageModelPolyfill({ kernel, model: 'tiny' });
        expect(kept.installed).toBe(false);
        expect(g.LanguageModel).toBe(original!.value);
      }
      const forced = installLanguageModelPolyfill({ kernel, model: 'tiny', force: true });
      expect(forced.installed).toBe(true);
      expect(g.LanguageModel).toBe(forced.polyfill);
      expect(hasNativeLanguageModel()).toBe(false);
      // Without a native one (or over our own), it installs without force.
      delete g.LanguageModel;
      const fresh = installLanguageModelPolyfill({ kernel, model: 'tiny' });
      expect(fresh.installed).toBe(true);
      expect(g.LanguageModel).toBe(fresh.polyfill);
      expect(installLanguageModelPolyfill({ kernel, model: 'tiny-b' }).installed).toBe(true);
    } finally {
      if (original) Object.defineProperty(globalThis, 'LanguageModel', original);
      else delete g.LanguageModel;
    }
  });
});
