/**
 * The built-in AI task APIs as one set: `createBuiltInAi(options)` makes the `Summarizer`, `Writer`,
 * `Rewriter`, `Proofreader` and `Translator` classes bound to one model and kernel (or, with
 * `bridge`, to an LLM OS app on another origin), and `installBuiltInAi()` puts them on `globalThis`
 * — each only where the browser has no native one of that name, unless `force`. A polyfill installed
 * earlier is always replaced (reconfiguration), as `installLanguageModelPolyfill()` does.
 */
import { KernelTaskEnv, type BuiltInAiOptions, type TaskEnvironment } from './ai-env';
import { createProofreaderClass } from './proofreader';
import { createTranslatorClass } from './translator';
import { createRewriterClass, createSummarizerClass, createWriterClass } from './writing-apis';

const POLYFILL = Symbol.for('llmos.builtin-ai-polyfill');

/** The names `installBuiltInAi()` may define on `globalThis`. */
export const BUILT_IN_AI_NAMES = ['Summarizer', 'Writer', 'Rewriter', 'Proofreader', 'Translator'] as const;
export type BuiltInAiName = (typeof BUILT_IN_AI_NAMES)[number];

/** The classes of one configuration. */
export interface BuiltInAi {
  Summarizer: ReturnType<typeof createSummarizerClass>;
  Writer: ReturnType<typeof createWriterClass>;
  Rewriter: ReturnType<typeof createRewriterClass>;
  Proofreader: ReturnType<typeof createProofreaderClass>;
  Translator: ReturnType<typeof createTranslatorClass>;
}

/** The classes over a given environment (the kernel's, or a bridge connection's). @internal */
export function builtInAiOver(env: TaskEnvironment): BuiltInAi {
  const classes: BuiltInAi = {
    Summarizer: createSummarizerClass(env),
    Writer: createWriterClass(env),
    Rewriter: createRewriterClass(env),
    Proofreader: createProofreaderClass(env),
    Translator: createTranslatorClass(env),
  };
  for (const [name, cls] of Object.entries(classes)) {
    Object.defineProperty(cls, POLYFILL, { value: true });
    // As natively: `Summarizer.name` is "Summarizer".
    Object.defineProperty(cls, 'name', { value: name });
  }
  return classes;
}

/** The task API classes bound to one model on a kernel of this page. */
export function createBuiltInAi(options: BuiltInAiOptions): BuiltInAi {
  return builtInAiOver(new KernelTaskEnv(options));
}

/** Whether `globalThis[name]` is the browser's own implementation (not a polyfill of ours). */
export function hasNativeBuiltInAi(name: BuiltInAiName | 'LanguageDetector'): boolean {
  const existing = (globalThis as Record<string, unknown>)[name];
  return typeof existing === 'function' && !(existing as unknown as Record<symbol, unknown>)[POLYFILL]
    && !(existing as unknown as Record<symbol, unknown>)[Symbol.for('llmos.language-detector-polyfill')];
}

/** What `installBuiltInAi()` did. */
export interface BuiltInAiInstall {
  /** The names defined on `globalThis` (the others are native and were left alone). */
  installed: BuiltInAiName[];
  /** The polyfill classes, installed or not. */
  polyfills: BuiltInAi;
}

/**
 * Install the task APIs on `globalThis`: each name only where the browser has no native one (`force`
 * replaces native ones too). `only` limits the names installed.
 */
export function installBuiltInAi(options: BuiltInAiOptions & { force?: boolean; only?: BuiltInAiName[] }): BuiltInAiInstall {
  const { force = false, only, ...config } = options;
  return installClasses(createBuiltInAi(config), force, only);
}

/** @internal Install `polyfills` (see `installBuiltInAi`). */
export function installClasses(polyfills: BuiltInAi, force = false, only?: BuiltInAiName[]): BuiltInAiInstall {
  const installed: BuiltInAiName[] = [];
  for (const name of only ?? BUILT_IN_AI_NAMES) {
    if (hasNativeBuiltInAi(name) && !force) continue;
    Object.defineProperty(globalThis, name, { value: polyfills[name], writable: true, configurable: true, enumerable: false });
    installed.push(name);
  }
  return { installed, polyfills };
}
