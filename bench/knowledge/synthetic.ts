/**
 * A deterministic synthetic knowledge graph for the benchmark: pronounceable entity names (so trigram
 * search behaves as on real names), a few hubs (targets drawn from a skewed distribution), and one
 * provenance entry per fact.
 */
import type { FactInput } from '../../src/knowledge/knowledge-graph';

/** A small seeded PRNG (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SYL = ['ka', 'lo', 'mi', 'ne', 'ra', 'to', 'vu', 'shi', 'an', 'el', 'or', 'ber', 'din', 'gar', 'hol', 'wyn', 'ta', 'qu', 'zen', 'pa'];
const TYPES = ['person', 'organisation', 'place', 'product', 'concept', 'event'];
const PREDICATES = ['works at', 'located in', 'knows', 'founded', 'owns', 'part of', 'likes', 'born in', 'member of', 'uses',
  'wrote', 'manages', 'supplies', 'competes with', 'studied at', 'visited', 'married to', 'invested in', 'produces', 'cites'];

/** Entity labels: two capitalised pseudo-words and a number, unique. */
export function entityLabels(n: number, random: () => number): string[] {
  const word = () => {
    const k = 2 + Math.floor(random() * 2);
    let w = '';
    for (let i = 0; i < k; i++) w += SYL[Math.floor(random() * SYL.length)];
    return w[0]!.toUpperCase() + w.slice(1);
  };
  return Array.from({ length: n }, (_, i) => `${word()} ${word()} ${i}`);
}

/** `edges` facts over `labels`; targets are skewed towards low indices (hubs). */
export function syntheticFacts(labels: string[], edges: number, random: () => number): FactInput[] {
  const facts: FactInput[] = [];
  const n = labels.length;
  for (let i = 0; i < edges; i++) {
    const s = Math.floor(random() * n);
    let t = Math.floor(n * random() ** 2.5);
    if (t === s) t = (t + 1) % n;
    facts.push({
      subject: { label: labels[s]!, type: TYPES[s % TYPES.length] },
      predicate: PREDICATES[Math.floor(random() * PREDICATES.length)]!,
      object: { label: labels[t]!, type: TYPES[t % TYPES.length] },
      confidence: Math.round((0.5 + random() * 0.5) * 100) / 100,
      provenance: { kind: 'document', sourceId: `doc-${Math.floor(i / 50)}`, start: (i % 50) * 80, end: (i % 50) * 80 + 60, at: 1_700_000_000_000 + i },
    });
  }
  return facts;
}

/** Replace one letter (not the number) to make a typo. */
export function typo(label: string, random: () => number): string {
  const letters = [...label.matchAll(/[a-z]/g)].map((m) => m.index);
  const i = letters[Math.floor(random() * letters.length)]!;
  return label.slice(0, i) + (label[i] === 'e' ? 'a' : 'e') + label.slice(i + 1);
}
