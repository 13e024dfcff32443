/**
 * `Summarizer`, `Writer` and `Rewriter` as the writing-assistance-apis explainer shapes them: options
 * and attributes (`type`, `tone`, `format`, `length`, `sharedContext`, the expected and output
 * languages), `summarize` / `write` / `rewrite` and their `…Streaming` forms, `measureInputUsage`,
 * `inputQuota`, `destroy`. Each class is bound to one `TaskEnvironment` (`createBuiltInAi()`).
 * An input that is empty or only whitespace gives an empty output without running the model (the
 * `Rewriter` gives the input back as it is).
 */
import type { Availability } from '../prompt-api/language-model-polyfill';
import type { TaskEnvironment } from './ai-env';
import { createTask, dictionary, enumOption, languageList, canonicalTag, taskAvailability, type TaskCreateOptions } from './task-create';
import { TASK_TOKEN, TaskModel, callOptions, domString, type TaskCall, type TaskCallOptions, type TaskInit } from './task-model';
import {
  PERFORMANCE_PREFERENCES, REWRITER_FORMATS, REWRITER_LENGTHS, REWRITER_TONES, SUMMARIZER_FORMATS, SUMMARIZER_LENGTHS, SUMMARIZER_TYPES,
  WRITER_FORMATS, WRITER_LENGTHS, WRITER_TONES, rewriteRequest, rewriterRoom, summaryRequest, summaryRoom, writeRequest, writerRoom,
  type PerformancePreference, type RewriterFormat, type RewriterLength, type RewriterTone, type SummarizerFormat, type SummarizerLength,
  type SummarizerType, type WriterFormat, type WriterLength, type WriterTone,
} from './writing-prompts';

/** The language options the three APIs share. */
interface Languages {
  expectedInputLanguages: readonly string[] | null;
  expectedContextLanguages: readonly string[] | null;
  outputLanguage: string | null;
}

function languagesOf(o: Record<string, unknown>): Languages {
  const freeze = (l: string[] | null) => (l ? Object.freeze(l) : null);
  return {
    expectedInputLanguages: freeze(languageList(o.expectedInputLanguages, 'expectedInputLanguages')),
    expectedContextLanguages: freeze(languageList(o.expectedContextLanguages, 'expectedContextLanguages')),
    outputLanguage: o.outputLanguage === undefined ? null : canonicalTag(domString(o.outputLanguage, 'outputLanguage'), 'outputLanguage'),
  };
}

function allLanguages(l: Languages): string[] {
  return [...(l.expectedInputLanguages ?? []), ...(l.expectedContextLanguages ?? []), ...(l.outputLanguage ? [l.outputLanguage] : [])];
}

const sharedContextOf = (o: Record<string, unknown>) => (o.sharedContext === undefined ? '' : domString(o.sharedContext, 'sharedContext'));
const outputCap = (env: TaskEnvironment, room: number) => Math.min(room, env.options.maxOutputTokens ?? 1024);
const blank = (input: string) => input.trim() === '';

/**
 * What the three APIs' instances share: the common options as attributes, the one-shot call (an empty or
 * whitespace-only input gives `blankResult()` without a job), its streaming form, and `measureInputUsage`.
 */
abstract class WritingModel<O extends Languages & { sharedContext: string; format: string; length: string }> extends TaskModel {
  readonly #o: O;
  constructor(token: typeof TASK_TOKEN, init: TaskInit, o: O) {
    super(token, init);
    this.#o = o;
  }
  /** The options the instance was created with. */
  protected get settings(): O { return this.#o; }
  get sharedContext(): string { return this.#o.sharedContext; }
  get format(): O['format'] { return this.#o.format; }
  get length(): O['length'] { return this.#o.length; }
  get expectedInputLanguages(): readonly string[] | null { return this.#o.expectedInputLanguages; }
  get expectedContextLanguages(): readonly string[] | null { return this.#o.expectedContextLanguages; }
  get outputLanguage(): string | null { return this.#o.outputLanguage; }
  /** What a blank input gives. */
  protected blankResult(_input: string): string { return ''; }
  /** The API's one-shot call (`summarize`, `write`, `rewrite`). */
  protected run(input: unknown, options: unknown): Promise<string> {
    const text = domString(input, 'input');
    const o = callOptions(options);
    if (blank(text)) return this.execute(text, o, () => this.blankResult(text), undefined, true);
    return this.execute(text, o, (t) => t.trim());
  }
  /** The API's streaming call (`summarizeStreaming`, …). */
  protected runStreaming(input: unknown, options: unknown): ReadableStream<string> {
    const text = domString(input, 'input');
    return this.stream(text, callOptions(options), (i, o, emit) => (blank(i)
      ? this.execute(i, o, () => { const r = this.blankResult(i); if (r) emit(r); }, undefined, true)
      : this.execute(i, o, (t) => t, emit)));
  }
  /** Tokens the call for `input` would send (see `inputQuota`). */
  measureInputUsage(input: string, options?: { context?: string; signal?: AbortSignal }): Promise<number> {
    return this.measureUsage(domString(input, 'input'), callOptions(options));
  }
}

/** Options of `Summarizer.availability()`. */
export interface SummarizerCreateCoreOptions {
  type?: SummarizerType;
  format?: SummarizerFormat;
  length?: SummarizerLength;
  preference?: PerformancePreference;
  expectedInputLanguages?: string[];
  expectedContextLanguages?: string[];
  outputLanguage?: string;
}
/** Options of `Summarizer.create()`. */
export interface SummarizerCreateOptions extends SummarizerCreateCoreOptions, TaskCreateOptions {
  sharedContext?: string;
}

function summarizerOptions(o: Record<string, unknown>) {
  return {
    type: enumOption(o.type, SUMMARIZER_TYPES, 'key-points', 'SummarizerType'),
    format: enumOption(o.format, SUMMARIZER_FORMATS, 'markdown', 'SummarizerFormat'),
    length: enumOption(o.length, SUMMARIZER_LENGTHS, 'short', 'SummarizerLength'),
    preference: enumOption(o.preference, PERFORMANCE_PREFERENCES, 'auto', 'PerformancePreference'),
    ...languagesOf(o),
  };
}

/** The `Summarizer` class bound to `env`. */
export function createSummarizerClass(env: TaskEnvironment) {
  const api = { appId: 'llmos.summarizer', name: 'Summarizer' };
  class Summarizer extends WritingModel<ReturnType<typeof summarizerOptions> & { sharedContext: string }> {
    static async availability(options?: SummarizerCreateCoreOptions): Promise<Availability> {
      return taskAvailability(env, allLanguages(summarizerOptions(dictionary(options))));
    }
    static async create(options?: SummarizerCreateOptions): Promise<Summarizer> {
      const raw = dictionary(options);
      const o = { ...summarizerOptions(raw), sharedContext: sharedContextOf(raw) };
      return createTask(env, api, allLanguages(o), raw, outputCap(env, summaryRoom(o.type, o.length)), (init) => new Summarizer(TASK_TOKEN, init, o));
    }
    get type(): SummarizerType { return this.settings.type; }
    get preference(): PerformancePreference { return this.settings.preference; }
    protected request(input: string, options: TaskCallOptions): TaskCall {
      return { messages: summaryRequest(this.settings, input, options.context), maxTokens: summaryRoom(this.settings.type, this.settings.length) };
    }
    /** Summarize `input`. */
    summarize(input: string, options?: { context?: string; signal?: AbortSignal }): Promise<string> {
      return this.run(input, options);
    }
    /** Summarize `input`, streamed as string chunks. */
    summarizeStreaming(input: string, options?: { context?: string; signal?: AbortSignal }): ReadableStream<string> {
      return this.runStreaming(input, options);
    }
  }
  return Summarizer;
}

/** Options of `Writer.availability()`. */
export interface WriterCreateCoreOptions {
  tone?: WriterTone;
  format?: WriterFormat;
  length?: WriterLength;
  expectedInputLanguages?: string[];
  expectedContextLanguages?: string[];
  outputLanguage?: string;
}
/** Options of `Writer.create()`. */
export interface WriterCreateOptions extends WriterCreateCoreOptions, TaskCreateOptions {
  sharedContext?: string;
}

function writerOptions(o: Record<string, unknown>) {
  return {
    tone: enumOption(o.tone, WRITER_TONES, 'neutral', 'WriterTone'),
    format: enumOption(o.format, WRITER_FORMATS, 'markdown', 'WriterFormat'),
    length: enumOption(o.length, WRITER_LENGTHS, 'short', 'WriterLength'),
    ...languagesOf(o),
  };
}

/** The `Writer` class bound to `env`. */
export function createWriterClass(env: TaskEnvironment) {
  const api = { appId: 'llmos.writer', name: 'Writer' };
  class Writer extends WritingModel<ReturnType<typeof writerOptions> & { sharedContext: string }> {
    static async availability(options?: WriterCreateCoreOptions): Promise<Availability> {
      return taskAvailability(env, allLanguages(writerOptions(dictionary(options))));
    }
    static async create(options?: WriterCreateOptions): Promise<Writer> {
      const raw = dictionary(options);
      const o = { ...writerOptions(raw), sharedContext: sharedContextOf(raw) };
      return createTask(env, api, allLanguages(o), raw, outputCap(env, writerRoom(o.length)), (init) => new Writer(TASK_TOKEN, init, o));
    }
    get tone(): WriterTone { return this.settings.tone; }
    protected request(input: string, options: TaskCallOptions): TaskCall {
      return { messages: writeRequest(this.settings, input, options.context), maxTokens: writerRoom(this.settings.length) };
    }
    /** Write what `input` asks for. */
    write(input: string, options?: { context?: string; signal?: AbortSignal }): Promise<string> {
      return this.run(input, options);
    }
    /** Write what `input` asks for, streamed as string chunks. */
    writeStreaming(input: string, options?: { context?: string; signal?: AbortSignal }): ReadableStream<string> {
      return this.runStreaming(input, options);
    }
  }
  return Writer;
}

/** Options of `Rewriter.availability()`. */
export interface RewriterCreateCoreOptions {
  tone?: RewriterTone;
  format?: RewriterFormat;
  length?: RewriterLength;
  expectedInputLanguages?: string[];
  expectedContextLanguages?: string[];
  outputLanguage?: string;
}
/** Options of `Rewriter.create()`. */
export interface RewriterCreateOptions extends RewriterCreateCoreOptions, TaskCreateOptions {
  sharedContext?: string;
}

function rewriterOptions(o: Record<string, unknown>) {
  return {
    tone: enumOption(o.tone, REWRITER_TONES, 'as-is', 'RewriterTone'),
    format: enumOption(o.format, REWRITER_FORMATS, 'as-is', 'RewriterFormat'),
    length: enumOption(o.length, REWRITER_LENGTHS, 'as-is', 'RewriterLength'),
    ...languagesOf(o),
  };
}

/** The `Rewriter` class bound to `env`. */
export function createRewriterClass(env: TaskEnvironment) {
  const api = { appId: 'llmos.rewriter', name: 'Rewriter' };
  class Rewriter extends WritingModel<ReturnType<typeof rewriterOptions> & { sharedContext: string }> {
    static async availability(options?: RewriterCreateCoreOptions): Promise<Availability> {
      return taskAvailability(env, allLanguages(rewriterOptions(dictionary(options))));
    }
    static async create(options?: RewriterCreateOptions): Promise<Rewriter> {
      const raw = dictionary(options);
      const o = { ...rewriterOptions(raw), sharedContext: sharedContextOf(raw) };
      return createTask(env, api, allLanguages(o), raw, outputCap(env, rewriterRoom(o.length)), (init) => new Rewriter(TASK_TOKEN, init, o));
    }
    get tone(): RewriterTone { return this.settings.tone; }
    protected request(input: string, options: TaskCallOptions): TaskCall {
      return { messages: rewriteRequest(this.settings, input, options.context), maxTokens: rewriterRoom(this.settings.length) };
    }
    /** An empty or whitespace-only input comes back as it is (as the WPT expect). */
    protected override blankResult(input: string): string { return input; }
    /** Rewrite `input`. */
    rewrite(input: string, options?: { context?: string; signal?: AbortSignal }): Promise<string> {
      return this.run(input, options);
    }
    /** Rewrite `input`, streamed as string chunks. */
    rewriteStreaming(input: string, options?: { context?: string; signal?: AbortSignal }): ReadableStream<string> {
      return this.runStreaming(input, options);
    }
  }
  return Rewriter;
}
