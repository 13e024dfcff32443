#!/usr/bin/env node
/**
 * Moves source files and rewrites every import that names them: `node scripts/move-modules.mjs MAP.json`
 * where MAP is `[["old/path", "new/path"], …]` (files or folders, relative to the repository root).
 * Relative specifiers (`from '../x'`, `import('./y')`, `new URL('../z', import.meta.url)`, `vi.mock`)
 * in every file under src/, workers/, test/, bench/, examples/ and scripts/ are re-resolved, and
 * root-relative mentions (`src/a/b.ts` in configs, HTML, Markdown, comments) are rewritten, so a
 * restructuring is one reviewed map instead of hundreds of hand edits. Files move with `git mv`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const root = process.cwd();
const map = JSON.parse(readFileSync(process.argv[2], 'utf8'));

function walk(dir, out = []) {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.') || name === 'generated' && dir.endsWith('locales')) continue;
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else out.push(path.relative(root, p));
  }
  return out;
}

// old file → new file, expanding folders.
const moves = new Map();
const dirMoves = [];
for (const [from, to] of map) {
  if (statSync(from).isDirectory()) {
    dirMoves.push([from.replace(/\/$/, ''), to.replace(/\/$/, '')]);
    for (const f of walk(from)) moves.set(f, path.join(to, path.relative(from, f)));
  } else moves.set(from, to);
}

const codeDirs = ['src', 'workers', 'test', 'bench', 'examples', 'scripts'];
const files = codeDirs.flatMap((d) => walk(d)).filter((f) => !f.includes('.generated'));
const rootFiles = readdirSync(root).filter((f) => /\.(ts|js|mjs|json|html|md)$/.test(f) && f !== 'package-lock.json');
const docFiles = walk('docs').concat(walk('.ci'));
const textFile = (f) => /\.(ts|js|mjs|cjs|json|html|md|css|svg)$/.test(f) || f.startsWith('.ci/');

const EXT = ['', '.ts', '.js', '.json', '/index.ts'];
function resolveOld(fromFile, spec) {
  const base = path.normalize(path.join(path.dirname(fromFile), spec));
  for (const e of EXT) {
    const c = base + e;
    if (existsSync(c) && statSync(c).isFile()) return { file: c, ext: e };
  }
  return null;
}

function rel(fromDir, toFile) {
  let r = path.relative(fromDir, toFile);
  if (!r.startsWith('.')) r = './' + r;
  return r;
}

const SPEC = /((?:from|import|export\s+\*\s+from)\s*\(?\s*|new URL\(\s*|vi\.mock\(\s*|import\(\s*)(['"])(\.{1,2}\/[^'"\n]+?)\2/g;
let changed = 0;
for (const f of [...files, ...rootFiles]) {
  if (!/\.(ts|js|mjs)$/.test(f)) continue;
  const src = readFileSync(f, 'utf8');
  const newF = moves.get(f) ?? f;
  const out = src.replace(SPEC, (all, pre, q, spec) => {
    const [bare, query = ''] = spec.split(/(?=\?)/);
    const hit = resolveOld(f, bare);
    if (!hit) return all;
    const target = moves.get(hit.file) ?? hit.file;
    if (target === hit.file && newF === f) return all;
    let spec2;
    if (hit.ext === '/index.ts') spec2 = rel(path.dirname(newF), path.dirname(target));
    else if (hit.ext === '') spec2 = rel(path.dirname(newF), target);
    else spec2 = rel(path.dirname(newF), target).slice(0, -hit.ext.length);
    return `${pre}${q}${spec2}${query}${q}`;
  });
  if (out !== src) { writeFileSync(f, out); changed++; }
}

// Root-relative mentions: files first (longest paths), then folders.
const pairs = [...moves].map(([a, b]) => [a, b]).concat(dirMoves.map(([a, b]) => [a + '/', b + '/']), dirMoves);
pairs.sort((a, b) => b[0].length - a[0].length);
const esc = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const re = new RegExp(`(?<![\\w./-])(/?)(${pairs.map(([a]) => esc(a)).join('|')})(?![\\w-])`, 'g');
const lookup = new Map(pairs);
for (const f of new Set([...files, ...rootFiles, ...docFiles, 'README.md', 'lit-localize.json', 'index.html', 'bridge.html'])) {
  if (!existsSync(f) || !textFile(f)) continue;
  const src = readFileSync(f, 'utf8');
  const out = src.replace(re, (all, slash, p) => slash + lookup.get(p));
  if (out !== src) { writeFileSync(f, out); changed++; }
}

for (const [from, to] of moves) {
  execFileSync('mkdir', ['-p', path.dirname(to)]);
  execFileSync('git', ['mv', from, to]);
}
console.log(`moved ${moves.size} files, rewrote ${changed} files`);
