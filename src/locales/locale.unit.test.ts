import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { ERROR_TEXT } from '../errors';
import { localErrorText } from '../components/shared/error-words';
import { templates } from './generated/zh-Hans';
import { isLocale, preferredLocale } from './locale';

const xlf = readFileSync('xliff/zh-Hans.xlf', 'utf8');
const units = [...xlf.matchAll(/<trans-unit id="([^"]+)">\s*<source>([\s\S]*?)<\/source>(\s*<target>([\s\S]*?)<\/target>)?/g)];

describe('localisation (English → 简体中文)', () => {
  test('every extracted message has a 简体中文 target, and the generated module carries each one', () => {
    expect(units.length).toBeGreaterThan(250);
    const untranslated = units.filter((u) => !u[4]?.trim()).map((u) => u[2]);
    expect(untranslated).toEqual([]);
    const ids = Object.keys(templates);
    for (const u of units) expect(ids, u[2]).toContain(u[1]);
    // A translation keeps every placeholder of its source.
    for (const u of units) {
      const count = (s: string) => (s.match(/<x id=/g) ?? []).length;
      expect(count(u[4]!), u[2]).toBe(count(u[2]!));
    }
  });

  test('the localised error words say in English exactly what ERROR_TEXT says', () => {
    for (const [code, text] of Object.entries(ERROR_TEXT)) expect(localErrorText(code), code).toBe(text);
  });

  test('the browser language picks the locale', () => {
    expect(preferredLocale(['zh-CN', 'en'])).toBe('zh-Hans');
    expect(preferredLocale(['zh-TW'])).toBe('zh-Hans');
    expect(preferredLocale(['de-DE', 'en-GB'])).toBe('en');
    expect(preferredLocale(['fr'])).toBe('en');
    expect(isLocale('zh-Hans')).toBe(true);
    expect(isLocale('zh')).toBe(false);
  });
});
