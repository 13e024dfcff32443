/**
 * Regenerate the benchmark tables of docs/benchmarks.md from bench/results/<name>.json: every region
 * `<!-- bench:<name> -->` … `<!-- /bench:<name> -->` is replaced by the rows and the summary of that
 * JSON, so the figures in the docs are the ones a run wrote (no hand-copied numbers).
 *
 *   node scripts/bench-docs.mjs            # every marked region
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const DOC = 'docs/benchmarks.md';
const cell = (v) => (typeof v === 'number' ? (Number.isInteger(v) ? String(v) : String(+v.toFixed(3))) : String(v ?? ''));

function table(json) {
  const rows = json.rows ?? [];
  const cols = rows.length ? Object.keys(rows[0]) : [];
  const out = [];
  if (cols.length) {
    out.push(`| ${cols.join(' | ')} |`, `| ${cols.map(() => '---').join(' | ')} |`);
    for (const r of rows) out.push(`| ${cols.map((c) => cell(r[c])).join(' | ')} |`);
    out.push('');
  }
  out.push('| summary | value |', '| --- | --- |');
  for (const [k, v] of Object.entries(json.summary ?? {})) out.push(`| ${k} | ${cell(v)} |`);
  out.push('', `Run ${json.date ?? '?'} · Chromium ${json.chromium ?? '?'} · ${json.cores ?? '?'} cores · \`bench/results/${json.name}.json\``);
  return out.join('\n');
}

let doc = readFileSync(DOC, 'utf8');
doc = doc.replace(/<!-- bench:([\w-]+) -->[\s\S]*?<!-- \/bench:\1 -->/g, (whole, name) => {
  const path = `bench/results/${name}.json`;
  if (!existsSync(path)) { console.error(`no ${path}: region left as it was`); return whole; }
  return `<!-- bench:${name} -->\n${table(JSON.parse(readFileSync(path, 'utf8')))}\n<!-- /bench:${name} -->`;
});
writeFileSync(DOC, doc);
console.log(`${DOC} regenerated`);
