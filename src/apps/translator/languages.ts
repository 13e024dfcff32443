/**
 * Languages the translator offers, by BCP 47 code. Names come from `Intl.DisplayNames`: in the UI's
 * language for the menus, in English for the prompt (small models follow English instructions best).
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

/** The instruction sent as the system prompt. */
export function translationPrompt(from: string, to: string): string {
  return `You are a professional translator. Translate the user's text from ${languageName(from, 'en')} to ${languageName(to, 'en')}. ` +
    'Keep the meaning, tone and formatting. Reply with the translation only, without notes.';
}
