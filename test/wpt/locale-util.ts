/**
 * `ai/resources/locale-util.js` of the Web Platform Tests (© the web-platform-tests contributors, 3-Clause
 * BSD License): language tags the locale tests of the task APIs and the language detector use.
 */

export const valid_language_tags: Record<string, string[]> = {
  en: [
    'en-Latn',
    'en-Latn-GB',
    'en-GB',
    'en-fonipa-scouse',
    'en-Latn-fonipa-scouse',
    'en-Latn-GB-fonipa-scouse',
    'en-Latn-x-this-is-a-private-use-extensio-n',
    'EN',
    'en-lATN',
    'EN-lATN-gb',
    'EN-gb',
    'EN-scouse-fonipa',
    'EN-lATN-scouse-fonipa',
    'EN-lATN-gb-scouse-fonipa',
  ],
  es: [
    'es-419',
    'es-ES',
    'es-ES-1979',
  ],
};

export const invalid_language_tags = [
  'e',
  'Latn',
  'enLatnGBfonipa',
  '11',
  'en_Latn',
  'en-Lat',
  'en-A999',
];
