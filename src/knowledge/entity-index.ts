/**
 * `EntityIndex`: finds entities by name. Exact and alias look-ups go through a map of normalised names;
 * fuzzy look-ups go through an inverted index of character trigrams scored by the Dice coefficient.
 * Kept up to date incrementally by the graph store (one `set`/`delete` per changed entity).
 */
import { normaliseLabel } from './entities';

/** One fuzzy hit. */
export interface FuzzyHit {
  id: string;
  /** The normalised name that matched (a label or an alias). */
  name: string;
  /** Dice coefficient of the trigram sets, 0…1. */
  score: number;
}

/** Posting lists longer than this are skipped in fuzzy search (trigrams like " th" say nothing). */
const MAX_POSTINGS = 4000;

/** The character trigrams of a normalised name, padded so that word starts and ends count. */
export function trigrams(name: string): Set<string> {
  const padded = `  ${name} `;
  const out = new Set<string>();
  for (let i = 0; i + 3 <= padded.length; i++) out.add(padded.slice(i, i + 3));
  return out;
}

/** Dice coefficient of two trigram sets. */
export function dice(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let shared = 0;
  for (const g of a) if (b.has(g)) shared++;
  return (2 * shared) / (a.size + b.size);
}

/** One indexed name (a normalised label or alias) and the entities that carry it. */
interface Name { text: string; ids: Set<string>; grams: number }

/** Name index of one namespace's entities: exact, alias and fuzzy (trigram) look-ups. */
export class EntityIndex {
  // Names get small integer ids so fuzzy search can count shared trigrams in a typed array.
  private readonly nameIds = new Map<string, number>();
  private readonly names: (Name | undefined)[] = [];
  private readonly freeIds: number[] = [];
  private readonly namesById = new Map<string, string[]>();
  private readonly labelById = new Map<string, string>();
  private readonly postings = new Map<string, Set<number>>();
  private counts = new Uint16Array(1024);

  /** Number of indexed entities. */
  get size(): number {
    return this.namesById.size;
  }

  /** Index (or re-index) an entity under its label and aliases. */
  set(id: string, label: string, aliases: readonly string[]): void {
    this.delete(id);
    const labelKey = normaliseLabel(label);
    const names = [...new Set([labelKey, ...aliases.map(normaliseLabel)])].filter((n) => n.length > 0);
    this.namesById.set(id, names);
    this.labelById.set(id, labelKey);
    for (const text of names) {
      let nid = this.nameIds.get(text);
      if (nid === undefined) {
        nid = this.freeIds.pop() ?? this.names.length;
        const grams = trigrams(text);
        this.names[nid] = { text, ids: new Set(), grams: grams.size };
        this.nameIds.set(text, nid);
        for (const g of grams) {
          let set = this.postings.get(g);
          if (!set) this.postings.set(g, (set = new Set()));
          set.add(nid);
        }
      }
      this.names[nid]!.ids.add(id);
    }
  }

  /** Remove an entity from the index. */
  delete(id: string): void {
    const names = this.namesById.get(id);
    if (!names) return;
    this.namesById.delete(id);
    this.labelById.delete(id);
    for (const text of names) {
      const nid = this.nameIds.get(text);
      if (nid === undefined) continue;
      const name = this.names[nid]!;
      name.ids.delete(id);
      if (name.ids.size > 0) continue;
      this.nameIds.delete(text);
      this.names[nid] = undefined;
      this.freeIds.push(nid);
      for (const g of trigrams(text)) {
        const set = this.postings.get(g);
        set?.delete(nid);
        if (set?.size === 0) this.postings.delete(g);
      }
    }
  }

  /** Forget everything. */
  clear(): void {
    this.nameIds.clear();
    this.names.length = 0;
    this.freeIds.length = 0;
    this.namesById.clear();
    this.labelById.clear();
    this.postings.clear();
  }

  /** Entities whose label or an alias normalises to the same key as `text`. */
  lookup(text: string): string[] {
    const nid = this.nameIds.get(normaliseLabel(text));
    return nid === undefined ? [] : [...this.names[nid]!.ids];
  }

  /** Whether `text` is this entity's label (`label`), one of its aliases (`alias`), or neither. */
  matchKind(id: string, text: string): 'label' | 'alias' | null {
    const key = normaliseLabel(text);
    if (this.labelById.get(id) === key) return 'label';
    return this.namesById.get(id)?.includes(key) ? 'alias' : null;
  }

  /** Fuzzy search by trigram Dice coefficient, best first, at least `threshold`, at most `limit` hits. */
  fuzzy(text: string, threshold = 0.5, limit = 5): FuzzyHit[] {
    const key = normaliseLabel(text);
    if (!key) return [];
    const query = trigrams(key);
    if (this.counts.length < this.names.length) this.counts = new Uint16Array(this.names.length * 2);
    const counts = this.counts;
    const touched: number[] = [];
    // Dice ≥ t needs |B| ≤ |A|(2−t)/t: longer names cannot match, skip them without scoring.
    const maxGrams = (query.size * (2 - threshold)) / threshold;
    for (const g of query) {
      const posting = this.postings.get(g);
      if (!posting || posting.size > MAX_POSTINGS) continue;
      for (const nid of posting) if (counts[nid]!++ === 0) touched.push(nid);
    }
    const scored: { nid: number; score: number }[] = [];
    for (const nid of touched) {
      const name = this.names[nid]!;
      const shared = counts[nid]!;
      counts[nid] = 0;
      if (name.grams > maxGrams) continue;
      const score = (2 * shared) / (query.size + name.grams);
      if (score >= threshold) scored.push({ nid, score });
    }
    scored.sort((a, b) => b.score - a.score || (this.names[a.nid]!.text < this.names[b.nid]!.text ? -1 : 1));
    const hits: FuzzyHit[] = [];
    const seen = new Set<string>();
    for (const { nid, score } of scored) {
      const name = this.names[nid]!;
      for (const id of name.ids) {
        if (seen.has(id)) continue;
        seen.add(id);
        hits.push({ id, name: name.text, score });
        if (hits.length >= limit) return hits;
      }
    }
    return hits;
  }
}
