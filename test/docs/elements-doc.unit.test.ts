/**
 * The element reference cannot drift: custom-elements.json and docs/elements.md are generated from the
 * elements' source and JSDoc (`npm run docs:elements`). This regenerates both in memory from the
 * sources as they are now — the analyzer with the repository's configuration, then
 * scripts/elements-doc.mjs — and fails when a checked-in file differs, or when an element is
 * documented too thinly for the reference to be useful.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, expect, test } from 'vitest';
import { DOC, MANIFEST, ROOT, analyze, expected, type Manifest } from '../../scripts/elements-doc.mjs';

type Item = { name: string; description?: string; privacy?: string; static?: boolean; kind?: string; attribute?: string; inheritedFrom?: unknown };
type Element = { name: string; tagName?: string; customElement?: boolean; summary?: string; description?: string; members?: Item[]; attributes?: Item[]; events?: Item[] };

const STALE = 'stale: run `npm run docs:elements` and commit custom-elements.json and docs/elements.md';
let want: { manifest: string; doc: string };
let manifest: Manifest;

beforeAll(async () => {
  want = await expected();
  manifest = await analyze();
}, 60_000);

const elements = () => manifest.modules.flatMap((m) => (m.declarations ?? []) as Element[]).filter((d) => d.customElement && d.tagName);

test('custom-elements.json is what the analyzer makes of the current sources', () => {
  expect(readFileSync(`${ROOT}/${MANIFEST}`, 'utf8'), `${MANIFEST} is ${STALE}`).toBe(want.manifest);
});

test('docs/elements.md holds the reference generated from that manifest', () => {
  expect(readFileSync(`${ROOT}/${DOC}`, 'utf8'), `${DOC} is ${STALE}`).toBe(want.doc);
});

test('the library elements are all there, and every element says what it is and what its API does', () => {
  const tags = elements().map((e) => e.tagName);
  for (const tag of ['llmos-chat', 'llmos-prompt', 'llmos-model-picker', 'llmos-task-manager']) expect(tags).toContain(tag);
  for (const el of elements()) {
    expect(el.summary, `${el.name}: @summary`).toBeTruthy();
    expect(el.description, `${el.name}: class comment`).toBeTruthy();
    const own = [...(el.members ?? []), ...(el.attributes ?? []), ...(el.events ?? [])].filter((m) => !m.inheritedFrom);
    const undocumented = own.filter((m) => !m.static && (m.privacy ?? 'public') === 'public' && !m.description).map((m) => m.name);
    expect(undocumented, `${el.name}: public members, attributes and events need a doc comment`).toEqual([]);
  }
});

test('the theming list of docs/elements.md names every --llmos-* property the shared theme reads', () => {
  const theme = readFileSync(`${ROOT}/src/components/shared/theme.styles.ts`, 'utf8');
  const doc = readFileSync(`${ROOT}/${DOC}`, 'utf8');
  const read = [...new Set([...theme.matchAll(/var\((--llmos-[\w-]+)/g)].map((m) => m[1]))];
  expect(read.length).toBeGreaterThan(5);
  for (const prop of read) expect(doc, `${DOC} "Theming" should name ${prop}`).toContain(`\`${prop}\``);
});
