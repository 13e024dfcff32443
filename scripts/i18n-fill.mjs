/**
 * Fill the targets of xliff/<locale>.xlf from src/locales/<locale>.json (English source → translation,
 * with {0}, {1}… for the placeholders), after `lit-localize extract`; then `lit-localize build` writes
 * src/locales/generated/<locale>.ts. Fails (exit 1) listing any message without a translation, so a new
 * UI string cannot ship untranslated.
 *
 *   npx lit-localize extract && node scripts/i18n-fill.mjs && npx lit-localize build
 */
import { readFileSync, writeFileSync } from 'node:fs';

const locales = process.argv.slice(2).length ? process.argv.slice(2) : ['zh-Hans'];
let missing = 0;
for (const locale of locales) {
  const xlfPath = `xliff/${locale}.xlf`;
  const dict = JSON.parse(readFileSync(`src/locales/${locale}.json`, 'utf8'));
  const xml = readFileSync(xlfPath, 'utf8');
  const decode = (s) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
  const encode = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const out = xml.replace(/(<trans-unit id="[^"]+">\s*<source>)([\s\S]*?)(<\/source>)(\s*<target>[\s\S]*?<\/target>)?/g, (_m, open, source, close) => {
    const placeholders = [];
    const key = decode(source.replace(/<x id="(\d+)"[^>]*\/>/g, (x, n) => { placeholders[n] = x; return `{${n}}`; }));
    const target = dict[key];
    if (typeof target !== 'string') {
      missing++;
      console.error(`${locale}: no translation for ${JSON.stringify(key)}`);
      return `${open}${source}${close}`;
    }
    const filled = encode(target).replace(/\{(\d+)\}/g, (x, n) => placeholders[n] ?? x);
    return `${open}${source}${close}\n  <target>${filled}</target>`;
  });
  writeFileSync(xlfPath, out);
}
if (missing) {
  console.error(`${missing} message(s) without a translation`);
  process.exit(1);
}
console.log(`translations filled for ${locales.join(', ')}`);
