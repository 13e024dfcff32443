/**
 * `Proofreader` as the proofreader-api explainer shapes it: `proofread(input)` →
 * `{correctedInput, corrections: [{startIndex, endIndex, correction, types?, explanation?}]}`, with
 * `includeCorrectionTypes`, `includeCorrectionExplanations`, `correctionExplanationLanguage`,
 * `expectedInputLanguages`, `measureInputUsage`, `inputQuota`, `destroy`. The model answers under a
 * JSON schema (validated before use); the corrections are derived and checked as
 * `proofread-corrections.ts` says. An empty or whitespace-only input comes back as it is, with no
 * `corrections` (as the Web Platform Tests expect), without running the model.
 */
import type { Availability } from '../prompt-api/language-model-polyfill';
import { domError, toDomException } from '../prompt-api/prompt-errors';
import { validateOutput } from '../structured/structured-output';
import type { TaskEnvironment } from './ai-env';
import { createTask, dictionary, languageList, canonicalTag, taskAvailability, type TaskCreateOptions } from './task-create';
import { TASK_TOKEN, TaskModel, callOptions, domString, type TaskCall, type TaskInit } from './task-model';
import { proofreadInstructions, proofreadResult, proofreadSchema, type ModelEdit, type ProofreadResult } from './proofread-corrections';
import { englishName } from './writing-prompts';

/** Options of `Proofreader.availability()`. */
export interface ProofreaderCreateCoreOptions {
  includeCorrectionTypes?: boolean;
  includeCorrectionExplanations?: boolean;
  correctionExplanationLanguage?: string;
  expectedInputLanguages?: string[];
}
/** Options of `Proofreader.create()`. */
export interface ProofreaderCreateOptions extends ProofreaderCreateCoreOptions, TaskCreateOptions {}

function proofreaderOptions(o: Record<string, unknown>) {
  const inputs = languageList(o.expectedInputLanguages, 'expectedInputLanguages');
  return {
    includeCorrectionTypes: Boolean(o.includeCorrectionTypes),
    includeCorrectionExplanations: Boolean(o.includeCorrectionExplanations),
    correctionExplanationLanguage: o.correctionExplanationLanguage === undefined ? null
      : canonicalTag(domString(o.correctionExplanationLanguage, 'correctionExplanationLanguage'), 'correctionExplanationLanguage'),
    expectedInputLanguages: inputs ? Object.freeze(inputs) : null,
  };
}

type Options = ReturnType<typeof proofreaderOptions>;
const languagesOf = (o: Options) => [...(o.expectedInputLanguages ?? []), ...(o.correctionExplanationLanguage ? [o.correctionExplanationLanguage] : [])];

/** Output tokens kept for an answer: the corrected text and, when asked for, the labelled edits. */
const ROOM = 1024;

/** The `Proofreader` class bound to `env`. */
export function createProofreaderClass(env: TaskEnvironment) {
  const api = { appId: 'llmos.proofreader', name: 'Proofreader' };
  class Proofreader extends TaskModel {
    readonly #o: Options;
    constructor(token: typeof TASK_TOKEN, init: TaskInit, o: Options) {
      super(token, init);
      this.#o = o;
    }
    static async availability(options?: ProofreaderCreateCoreOptions): Promise<Availability> {
      return taskAvailability(env, languagesOf(proofreaderOptions(dictionary(options))));
    }
    static async create(options?: ProofreaderCreateOptions): Promise<Proofreader> {
      const raw = dictionary(options);
      const o = proofreaderOptions(raw);
      return createTask(env, api, languagesOf(o), raw, Math.min(ROOM, env.options.maxOutputTokens ?? ROOM), (init) => new Proofreader(TASK_TOKEN, init, o));
    }
    get includeCorrectionTypes(): boolean { return this.#o.includeCorrectionTypes; }
    get includeCorrectionExplanations(): boolean { return this.#o.includeCorrectionExplanations; }
    get correctionExplanationLanguage(): string | null { return this.#o.correctionExplanationLanguage; }
    get expectedInputLanguages(): readonly string[] | null { return this.#o.expectedInputLanguages; }

    protected request(input: string): TaskCall {
      const { includeCorrectionTypes: labelled, includeCorrectionExplanations: explained, correctionExplanationLanguage: lang } = this.#o;
      return {
        messages: [
          { role: 'system', content: proofreadInstructions(labelled, explained, lang ? englishName(lang) : null) },
          { role: 'user', content: input },
        ],
        maxTokens: ROOM,
        constraint: { kind: 'json', schema: proofreadSchema(input, labelled, explained) },
      };
    }

    /** Proofread `input`. */
    async proofread(input: string, options?: { signal?: AbortSignal }): Promise<ProofreadResult> {
      const text = domString(input, 'input');
      const o = callOptions(options);
      if (text.trim() === '') return this.execute(text, o, () => ({ correctedInput: text }), undefined, true);
      const call = this.request(text);
      return this.execute(text, o, async (raw) => {
        // The schema is enforced while sampling; a reply cut off by the output limit is not JSON.
        let answer: { correctedInput: string; corrections?: ModelEdit[] };
        try {
          answer = await validateOutput(raw, call.constraint!) as typeof answer;
        } catch (e) {
          throw toDomException(e);
        }
        try {
          return proofreadResult(text, answer, this.#o.includeCorrectionTypes, this.#o.includeCorrectionExplanations);
        } catch (e) {
          throw domError('OperationError', (e as Error).message, e);
        }
      });
    }

    /** Tokens the call for `input` would send (see `inputQuota`). */
    measureInputUsage(input: string, options?: { signal?: AbortSignal }): Promise<number> {
      return this.measureUsage(domString(input, 'input'), callOptions(options));
    }
  }
  return Proofreader;
}
