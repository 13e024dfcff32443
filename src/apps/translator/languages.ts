/**
 * Languages the translator offers, by BCP 47 code, with their names from `Intl.DisplayNames` in the UI's
 * language. (The instruction the model gets is the `Translator` API's.)
 */

/** Codes offered, most used first. */
export const LANGUAGES = ['en', 'zh-Hans', 'es', 'fr', 'de', 'ja', 'ko', 'pt', 'ru', 'ar', 'hi', 'it', 'nl', 'tr', 'vi'] as const;

/** A language code. */
export type LanguageCode = (typeof LANGUAGES)[number];

/** The name of a language in `locale` (falls back to the code where `Intl.DisplayNames` is missing). */
export function languageName(code: string, locale: string): string {
  try {
    return new Intl.DisplayNames([locale], { type: 'language' }).of(code) ?? code;
  } catch {
    return code;
  }
}

