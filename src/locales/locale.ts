/**
 * Localisation of the desktop (@lit/localize, runtime mode). English is the source locale; every other
 * locale is a generated module (`src/locales/generated/<locale>.ts`, built by `lit-localize build` from
 * `xliff/<locale>.xlf`) loaded on demand, so English users never download translations.
 * Elements call `updateWhenLocaleChanges(this)` and re-render when `setLocale` finishes. Without
 * `initLocalization()` (an element embedded in another page) `msg()` simply returns English.
 */
import { configureLocalization, type LocaleModule } from '@lit/localize';
import { sourceLocale, targetLocales } from './generated/locale-codes';

/** A locale the desktop ships. */
export type LocaleCode = 'en' | 'zh-Hans';

/** Locales in the order the language menu lists them, each named in its own language. */
export const LOCALES: readonly { code: LocaleCode; name: string }[] = [
  { code: 'en', name: 'English' },
  { code: 'zh-Hans', name: '简体中文' },
];

const loaders: Record<string, () => Promise<LocaleModule>> = {
  'zh-Hans': () => import('./generated/zh-Hans'),
};

let controls: ReturnType<typeof configureLocalization> | null = null;

/** Configure @lit/localize once (later calls return the same controls). */
export function initLocalization(): ReturnType<typeof configureLocalization> {
  controls ??= configureLocalization({
    sourceLocale,
    targetLocales,
    loadLocale: (code) => loaders[code]!(),
  });
  return controls;
}

/** Whether a value names a shipped locale. */
export function isLocale(v: unknown): v is LocaleCode {
  return LOCALES.some((l) => l.code === v);
}

/** The best shipped locale for the browser's languages (`zh*` → 简体中文, else English). */
export function preferredLocale(languages: readonly string[] = globalThis.navigator?.languages ?? []): LocaleCode {
  for (const lang of languages) {
    if (/^zh\b/i.test(lang)) return 'zh-Hans';
    if (/^en\b/i.test(lang)) return 'en';
  }
  return 'en';
}

/** Switch the UI language; resolves once every localised element can render it. Sets `<html lang>`. */
export async function setLocale(code: LocaleCode): Promise<void> {
  await initLocalization().setLocale(code);
  document.documentElement.lang = code === 'zh-Hans' ? 'zh-Hans' : 'en';
}

/** The active locale (`en` before `initLocalization`). */
export function currentLocale(): LocaleCode {
  const code = controls?.getLocale() ?? 'en';
  return isLocale(code) ? code : 'en';
}
