/**
 * What a `LanguageModel` polyfill class runs on: a kernel, one kernel process for the app (every
 * session's prompts and token counts are jobs of it, with its priority and quota), the model behind
 * the API, and the limits it exposes (context window, reply length, supported languages).
 */
import type { EngineKind } from '../../protocol/engine';
import type { KernelApi } from '../../kernel/kernel-api';
import type { Priority } from '../../kernel/priority';
import type { JobParams } from '../../kernel/types';
import { AppSession } from '../app-session';

/** Configuration of a `LanguageModel` polyfill class. */
export interface LanguageModelOptions {
  /** The model behind the API: a registered model id or a GGUF URL. */
  model: string;
  /** Kernel to run on (default: the page's shared kernel). */
  kernel?: KernelApi;
  /** App id of the process the sessions run in (default `llmos.prompt-api`). */
  appId?: string;
  /** Priority class of that process (default `interactive`: a user is usually waiting). */
  priority?: Priority;
  /** Context window exposed as `contextWindow` (default and maximum: the model's allocated context). */
  contextWindow?: number;
  /** Longest reply, tokens (default 1024, and never more than the room left in the context). */
  maxOutputTokens?: number;
  /**
   * Extra generation parameters for every prompt (e.g. a logit bias). `toolChoice` applies to the rounds
   * that offer a session's tools (`required` makes each of them call one).
   */
  params?: JobParams;
  /** Rounds of tool calls one prompt may take before the model must answer (default 4). */
  maxToolRounds?: number;
  /**
   * BCP 47 tags the model handles; others make `availability()` `unavailable`. Default: any language the
   * browser knows by name (`Intl.DisplayNames`), so an unassigned code such as `unk` is unavailable.
   */
  languages?: string[];
  /** Temperature and top-K of the `balanced` sampling mode (the default), and of `LanguageModel.params()`. */
  defaultTemperature?: number;
  defaultTopK?: number;
  /**
   * The extension-context shape of the explainer (default false, the web-page shape): `LanguageModel.params()`,
   * the sessions' `topK` / `temperature` attributes, and the `temperature` / `topK` create options honoured
   * (a session created with them has `samplingMode` null; with `samplingMode` too they are a `TypeError`).
   * Without it those options are validated and ignored, and `samplingMode` alone chooses the sampling.
   */
  legacySamplingParams?: boolean;
  /**
   * Make `create()` reject with `NotAllowedError` while the model still has to be downloaded (availability
   * `downloadable` or `downloading`) and the page has had no user gesture yet (no sticky activation), as
   * Chromium does for its browser-wide model. Default false: an LLM OS app's model is its own, and apps
   * and tests create sessions without a gesture.
   */
  requireUserActivation?: boolean;
}

/** Default context when a registration names none (the engines' default). */
const DEFAULT_NCTX = 2048;

/** @internal */
export class LanguageModelEnv {
  /** The app's process and admission path; re-spawned on demand (the task manager may have killed it). */
  readonly session: AppSession;

  constructor(readonly options: LanguageModelOptions) {
    this.session = new AppSession({
      appId: options.appId ?? 'llmos.prompt-api', name: 'Prompt API', respawn: true,
      ...(options.priority ? { priority: options.priority } : {}), ...(options.kernel ? { kernel: options.kernel } : {}),
    }, 'interactive');
  }

  get kernel(): KernelApi {
    return this.session.kernel;
  }

  get pid(): number {
    return this.session.pid;
  }

  /** The registered model id (a GGUF URL is registered on first use). */
  model(signal?: AbortSignal): Promise<string> {
    return this.session.resolve(this.options.model, signal);
  }

  engineOf(model: string): EngineKind | undefined {
    return this.kernel.registeredModels().find((m) => m.id === model)?.engine;
  }

  /**
   * The context window sessions get for `model`: the allocated context less `overhead` (the tokens every
   * request costs once: `templateOverhead()`), or the configured `contextWindow` if that is smaller.
   */
  contextWindow(model: string, overhead = 0): number {
    const reg = this.kernel.registeredModels().find((m) => m.id === model);
    const allocated = Math.max(1, (reg?.nCtx ?? reg?.loadOptions?.nCtx ?? DEFAULT_NCTX) - overhead);
    const asked = this.options.contextWindow;
    return asked !== undefined && asked > 0 ? Math.min(asked, allocated) : allocated;
  }

  get maxOutputTokens(): number {
    return this.options.maxOutputTokens ?? 1024;
  }

  /** Generation parameters for `model`: the model's defaults under the configured ones (`mergeParams`). */
  params(model: string): JobParams {
    return this.session.params(model, this.options.params);
  }

  get defaultTemperature(): number {
    return this.options.defaultTemperature ?? 0.8;
  }

  get defaultTopK(): number {
    return this.options.defaultTopK ?? 40;
  }

  get legacySamplingParams(): boolean {
    return this.options.legacySamplingParams === true;
  }

  /** Whether every tag is one the model handles (unconfigured: every language `Intl.DisplayNames` names). */
  supportsLanguages(tags: readonly string[]): boolean {
    return languagesSupported(this.options.languages, tags);
  }

  /** Residency of the model: `available` when loaded, `downloading` while loading, else `downloadable`. */
  residency(model: string): 'available' | 'downloading' | 'downloadable' {
    const r = this.kernel.models().find((m) => m.id === model);
    if (r?.state === 'loaded') return 'available';
    if (r?.state === 'loading') return 'downloading';
    return 'downloadable';
  }
}

const languageNames = new Intl.DisplayNames(['en'], { type: 'language', fallback: 'none' });

/**
 * Whether every tag is one of `configured` (or its base language: "en-GB" is handled by "en"); with
 * nothing configured, whether every tag names a language the browser knows (`Intl.DisplayNames`).
 */
export function languagesSupported(configured: readonly string[] | undefined, tags: readonly string[]): boolean {
  const supported = configured ? Intl.getCanonicalLocales([...configured]) : null;
  if (!supported) return tags.every(knownLanguage);
  return tags.every((t) => supported.some((s) => s === t || t.startsWith(`${s}-`) || s.startsWith(`${t}-`)));
}

/** Whether the browser knows the tag's language subtag by name (`unk` or `xx` it does not). */
export function knownLanguage(tag: string): boolean {
  try {
    return languageNames.of(new Intl.Locale(tag).language) !== undefined;
  } catch {
    return false;
  }
}
