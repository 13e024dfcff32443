/**
 * The static side every task API shares: option conversion as WebIDL does it (enums → `TypeError`,
 * language tags canonicalized, malformed ones → `RangeError`), `availability()` from the model library
 * and the configured languages, and `create()` — availability checked (`NotSupportedError`), the
 * optional user-activation rule, the `CreateMonitor` (its callback invoked before availability is checked) with `downloadprogress` events mapped from the
 * kernel's model-loading progress (a first event with 0 and a last with 1, none after `create()`
 * settles), the instance's process spawned and the model made resident before it resolves.
 */
import { CreateMonitor, type Availability } from '../prompt-api/language-model-polyfill';
import { abortReason, domError, toDomException } from '../prompt-api/prompt-errors';
import type { TaskBackend, TaskEnvironment } from './ai-env';
import type { TaskInit } from './task-model';

/** What every `create()` takes besides the API's own options. */
export interface TaskCreateOptions {
  signal?: AbortSignal;
  monitor?: (monitor: CreateMonitor) => void;
}

/** The options dictionary (`undefined` / `null` → `{}`; a non-object → `TypeError`). */
export function dictionary(raw: unknown): Record<string, unknown> {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' && typeof raw !== 'function') throw new TypeError('options must be an object');
  return raw as Record<string, unknown>;
}

/** A WebIDL enum member: `undefined` → the default; a value outside the enum → `TypeError`. */
export function enumOption<T extends string>(value: unknown, allowed: readonly T[], fallback: T, name: string): T {
  if (value === undefined) return fallback;
  const s = String(value);
  if (!(allowed as readonly string[]).includes(s)) throw new TypeError(`The provided value '${s}' is not a valid enum value of type ${name}`);
  return s as T;
}

/** A `sequence<DOMString>` of language tags, canonicalized (a malformed tag is a `RangeError`); `undefined` → null. */
export function languageList(value: unknown, name: string): string[] | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'object' || !(Symbol.iterator in value)) throw new TypeError(`${name} must be a sequence of language tags`);
  const tags = [...(value as Iterable<unknown>)].map((t) => String(t));
  return tags.map((t) => canonicalTag(t, name));
}

/** One language tag, canonicalized; a malformed one is a `RangeError`. */
export function canonicalTag(tag: string, name: string): string {
  try {
    return Intl.getCanonicalLocales(tag)[0]!;
  } catch {
    throw new RangeError(`${name}: '${tag}' is not a valid BCP 47 language tag`);
  }
}

/** The availability of a task API for options naming `languages`. */
export async function taskAvailability(env: TaskEnvironment, languages: readonly string[]): Promise<Availability> {
  if (!env.supportsLanguages(languages)) return 'unavailable';
  return env.availability();
}

/** The common part of `create()`: it resolves with the instance `build` makes. */
export async function createTask<T>(
  env: TaskEnvironment, api: { appId: string; name: string }, languages: readonly string[], raw: Record<string, unknown>,
  outputRoom: number, build: (init: TaskInit) => T,
): Promise<T> {
  const signal = raw.signal as AbortSignal | undefined;
  if (signal !== undefined && !(signal instanceof AbortSignal)) throw new TypeError('signal must be an AbortSignal');
  if (raw.monitor !== undefined && typeof raw.monitor !== 'function') throw new TypeError('monitor must be a function');
  if (signal?.aborted) throw abortReason(signal);
  // The monitor callback runs before availability is checked (an exception it throws rejects create()).
  const monitor = new CreateMonitor();
  (raw.monitor as TaskCreateOptions['monitor'])?.(monitor);
  const availability = await taskAvailability(env, languages);
  if (availability === 'unavailable') throw domError('NotSupportedError', `${api.name}: the model cannot handle these options or languages`);
  const activation = (globalThis.navigator as { userActivation?: { hasBeenActive: boolean; isActive: boolean } } | undefined)?.userActivation;
  if (env.options.requireUserActivation && availability !== 'available' && activation && !activation.isActive && !activation.hasBeenActive) {
    throw domError('NotAllowedError', `Downloading the model behind ${api.name} requires a user gesture first`);
  }
  monitor.report(0);
  if (signal?.aborted) throw abortReason(signal);
  let backend: TaskBackend | null = null;
  try {
    backend = env.backend(api);
    const aborted = signal ? new Promise<never>((_, reject) => {
      if (signal.aborted) reject(abortReason(signal));
      signal.addEventListener('abort', () => reject(abortReason(signal)), { once: true });
    }) : null;
    aborted?.catch(() => {});
    const race = <V>(p: Promise<V>) => (aborted ? Promise.race([p, aborted]) : p);
    const window = await race(backend.prepare((f) => monitor.report(f), signal));
    monitor.report(1);
    // Settle after the last progress event's listeners had their turn: a signal they abort still rejects.
    await race(new Promise((r) => setTimeout(r, 0)));
    return build({ backend, window, outputRoom: Math.min(outputRoom, Math.max(1, Math.floor(window / 2))), signal });
  } catch (e) {
    backend?.close();
    throw signal?.aborted ? abortReason(signal) : toDomException(e, 'OperationError');
  }
}
