/**
 * The desktop's own settings (theme, language, keep-alive, window layout, default model per app, first
 * run). Kept in `localStorage` like the kernel's budget overrides, because theme and language must be
 * known synchronously before the first paint; a corrupt or foreign value falls back to the default
 * (`desktop-defaults.json`) instead of breaking the desktop. Fires `change` after every update.
 */
import { isPriority, type Priority } from '../../kernel/priority';
import { isLocale, type LocaleCode } from '../../locales/locale';
import type { GgufEnginePreference } from '../../models/choose-engine';
import { DESKTOP_SETTINGS_KEY, normaliseOrigins } from '../../api/bridge/model-origins';
import defaults from './desktop-defaults.json';

/** Light, dark, or follow the system. */
export type ThemeChoice = 'system' | 'light' | 'dark';
/** Windows as tabs (one visible) or tiles (all visible). */
export type WindowLayout = 'tabs' | 'tiles';

/** Every desktop setting. */
export interface DesktopSettingsValue {
  theme: ThemeChoice;
  /** Chosen language; `null` follows the browser. */
  locale: LocaleCode | null;
  /** Default keep-alive of models after a job, ms (-1 pins, 0 unloads at once). */
  keepAliveMs: number;
  layout: WindowLayout;
  firstRunDone: boolean;
  /** App id → model id used when a window of that app opens. */
  defaultModels: Record<string, string>;
  /** App id → default process priority. */
  priorities: Record<string, Priority>;
  /** Engine for GGUF models: auto (our WebGPU engine on hardware WebGPU without shader-f16), or forced. */
  ggufEngine: GgufEnginePreference;
  /** Sites (`https://host[:port]`) whose GGUF URLs callers of the `/v1` endpoint may name; empty by default. */
  remoteModelOrigins: string[];
}

/** Key in `localStorage`. */
export { DESKTOP_SETTINGS_KEY };

/** The shipped defaults (a fresh copy). */
export function defaultSettings(): DesktopSettingsValue {
  const d = structuredClone(defaults) as unknown as DesktopSettingsValue & { $comment?: string };
  delete d.$comment;
  return d;
}

/** Keep only well-formed fields of a stored value; everything else takes the default. */
export function sanitiseSettings(raw: unknown): DesktopSettingsValue {
  const out = defaultSettings();
  if (typeof raw !== 'object' || raw === null) return out;
  const r = raw as Record<string, unknown>;
  if (r['theme'] === 'system' || r['theme'] === 'light' || r['theme'] === 'dark') out.theme = r['theme'];
  if (r['locale'] === null || isLocale(r['locale'])) out.locale = r['locale'] as LocaleCode | null;
  const k = r['keepAliveMs'];
  if (typeof k === 'number' && Number.isFinite(k) && k >= -1) out.keepAliveMs = k;
  if (r['layout'] === 'tabs' || r['layout'] === 'tiles') out.layout = r['layout'];
  if (typeof r['firstRunDone'] === 'boolean') out.firstRunDone = r['firstRunDone'];
  if (r['ggufEngine'] === 'auto' || r['ggufEngine'] === 'wllama' || r['ggufEngine'] === 'webgpu') out.ggufEngine = r['ggufEngine'];
  out.remoteModelOrigins = normaliseOrigins(r['remoteModelOrigins']);
  const dm = r['defaultModels'];
  if (typeof dm === 'object' && dm !== null) {
    for (const [app, model] of Object.entries(dm)) if (typeof model === 'string' && model) out.defaultModels[app] = model;
  }
  const pr = r['priorities'];
  if (typeof pr === 'object' && pr !== null) {
    for (const [app, p] of Object.entries(pr)) if (isPriority(p)) out.priorities[app] = p;
  }
  return out;
}

function readJson(storage: Storage | undefined, key: string): unknown {
  try {
    return JSON.parse(storage?.getItem(key) ?? 'null');
  } catch {
    return null; // corrupt JSON (or storage that throws): defaults
  }
}

/** The settings, persisted in `localStorage` (memory only where there is none). */
export class DesktopSettings extends EventTarget {
  private current: DesktopSettingsValue;

  constructor(private readonly storage: Storage | undefined = globalThis.localStorage, private readonly key = DESKTOP_SETTINGS_KEY) {
    super();
    this.current = sanitiseSettings(readJson(storage, key));
  }

  /** A snapshot of the settings. */
  get value(): DesktopSettingsValue {
    return structuredClone(this.current);
  }

  /** Merge a change, persist it, and fire `change`. */
  update(patch: Partial<DesktopSettingsValue>): DesktopSettingsValue {
    this.current = sanitiseSettings({ ...this.current, ...patch });
    try {
      this.storage?.setItem(this.key, JSON.stringify(this.current));
    } catch {
      // Private mode or a full quota: the change still applies to this session.
    }
    this.dispatchEvent(new Event('change'));
    return this.value;
  }

  /** Default priority of an app (its shipped default, else `normal`). */
  priorityOf(appId: string): Priority {
    return this.current.priorities[appId] ?? 'normal';
  }
}
