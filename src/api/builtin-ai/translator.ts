/**
 * `Translator` as the translation-api explainer shapes it: `Translator.availability({sourceLanguage,
 * targetLanguage})`, `create()`, `translate`, `translateStreaming`, `sourceLanguage` / `targetLanguage`,
 * `measureInputUsage`, `inputQuota`, `destroy`. The translation is the model's (an instruction in
 * English naming both languages); a pair the model does not handle is `unavailable`, and `create()`
 * rejects it with `NotSupportedError`. Both languages are required (`TypeError` without them) and
 * canonicalized (a malformed tag is a `RangeError`). An input of only white space and control characters
 * (the empty string too) is echoed back without running the model.
 */
import type { Availability } from '../prompt-api/language-model-polyfill';
import type { TaskEnvironment } from './ai-env';
import { canonicalTag, createTask, dictionary, taskAvailability, type TaskCreateOptions } from './task-create';
import { TASK_TOKEN, TaskModel, callOptions, domString, type TaskCall, type TaskInit } from './task-model';
import { translateRequest } from './writing-prompts';

/** Options of `Translator.availability()`. */
export interface TranslatorCreateCoreOptions {
  sourceLanguage: string;
  targetLanguage: string;
}
/** Options of `Translator.create()`. */
export interface TranslatorCreateOptions extends TranslatorCreateCoreOptions, TaskCreateOptions {}

function pairOf(raw: unknown): { sourceLanguage: string; targetLanguage: string } {
  const o = dictionary(raw);
  for (const k of ['sourceLanguage', 'targetLanguage'] as const) {
    if (o[k] === undefined) throw new TypeError(`Translator: the required member ${k} is missing`);
  }
  return {
    sourceLanguage: canonicalTag(domString(o.sourceLanguage, 'sourceLanguage'), 'sourceLanguage'),
    targetLanguage: canonicalTag(domString(o.targetLanguage, 'targetLanguage'), 'targetLanguage'),
  };
}

/** Only white space and control characters: nothing to translate, echoed back (as the WPT expect). */
const untranslatable = (text: string) => /^[\s\p{Cc}]*$/u.test(text);

/** Output tokens kept for a translation (a translation runs about as long as its source). */
const ROOM = 768;

/** The `Translator` class bound to `env`. */
export function createTranslatorClass(env: TaskEnvironment) {
  const api = { appId: 'llmos.translator', name: 'Translator' };
  class Translator extends TaskModel {
    readonly #pair: { sourceLanguage: string; targetLanguage: string };
    constructor(token: typeof TASK_TOKEN, init: TaskInit, pair: { sourceLanguage: string; targetLanguage: string }) {
      super(token, init);
      this.#pair = pair;
    }
    static async availability(options: TranslatorCreateCoreOptions): Promise<Availability> {
      const p = pairOf(options);
      return taskAvailability(env, [p.sourceLanguage, p.targetLanguage]);
    }
    static async create(options: TranslatorCreateOptions): Promise<Translator> {
      const raw = dictionary(options);
      const pair = pairOf(raw);
      return createTask(env, api, [pair.sourceLanguage, pair.targetLanguage], raw, Math.min(ROOM, env.options.maxOutputTokens ?? ROOM),
        (init) => new Translator(TASK_TOKEN, init, pair));
    }
    get sourceLanguage(): string { return this.#pair.sourceLanguage; }
    get targetLanguage(): string { return this.#pair.targetLanguage; }

    protected request(input: string): TaskCall {
      return { messages: translateRequest(this.#pair.sourceLanguage, this.#pair.targetLanguage, input), maxTokens: ROOM };
    }

    /** Translate `input`. */
    async translate(input: string, options?: { signal?: AbortSignal }): Promise<string> {
      const text = domString(input, 'input');
      const o = callOptions(options);
      const skip = untranslatable(text);
      return this.execute(text, o, (t) => (skip ? text : t.trim()), undefined, skip);
    }

    /** Translate `input`, streamed as string chunks. */
    translateStreaming(input: string, options?: { signal?: AbortSignal }): ReadableStream<string> {
      const text = domString(input, 'input');
      return this.stream(text, callOptions(options), (i, o, emit) => (untranslatable(i)
        ? this.execute(i, o, () => { if (i) emit(i); }, undefined, true)
        : this.execute(i, o, (t) => t, emit)));
    }

    /** Tokens the call for `input` would send (see `inputQuota`). */
    measureInputUsage(input: string, options?: { signal?: AbortSignal }): Promise<number> {
      return this.measureUsage(domString(input, 'input'), callOptions(options));
    }
  }
  return Translator;
}
