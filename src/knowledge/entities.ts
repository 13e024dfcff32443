/**
 * The knowledge-graph data model: entity nodes, relation edges and their provenance, as stored in the
 * in-memory graphology graph (attributes) and in IndexedDB (records, see `graph-schema.ts`).
 */

/**
 * A namespace isolates one graph from another: `user` is the user's own memory, `app:<id>` belongs to
 * one app (e.g. `app:customer-service`). Nothing crosses namespaces.
 */
export type Namespace = 'user' | `app:${string}`;

const NAMESPACE_RE = /^(user|app:[a-z0-9][a-z0-9._-]{0,63})$/;

/** Whether a string is a valid namespace (`user` or `app:<lowercase id>`). */
export function isNamespace(value: string): value is Namespace {
  return NAMESPACE_RE.test(value);
}

/** Where a fact came from: a chat message or an imported document, a character span in it, and when. */
export interface Provenance {
  /** `message` (a chat turn) or `document` (an imported txt/md file), or `manual` (typed by the user). */
  kind: 'message' | 'document' | 'manual' | 'import';
  /** The message id or document id. */
  sourceId: string;
  /** Character span `[start, end)` in the source text (UTF-16 offsets, as `String.slice`). */
  start: number;
  end: number;
  /** When the fact was recorded (ms since epoch). */
  at: number;
}

/** Attributes of an entity node. The node key is its id. */
export interface EntityAttributes {
  label: string;
  /** A coarse class such as `person`, `organisation`, `place`, `concept`; `thing` when unknown. */
  type: string;
  /** Other names for the same entity (used for de-duplication and linking). */
  aliases: string[];
  createdAt: number;
  updatedAt: number;
}

/** Attributes of a relation edge (subject → object). The edge key is its id. */
export interface RelationAttributes {
  /** The relation, e.g. `works at`, normalised to lower case and single spaces. */
  predicate: string;
  /** 0…1: how sure the extractor (or the user) was. */
  confidence: number;
  /** Every source that stated this fact (one edge per distinct subject–predicate–object). */
  provenance: Provenance[];
  createdAt: number;
  updatedAt: number;
}

/** An entity as returned by the store's read methods. */
export interface Entity extends EntityAttributes {
  id: string;
}

/** A relation as returned by the store's read methods. */
export interface Relation extends RelationAttributes {
  id: string;
  source: string;
  target: string;
}

/** What a caller gives to create or find an entity. */
export interface EntityInput {
  label: string;
  type?: string | undefined;
  aliases?: string[] | undefined;
}

/** Longest label, alias or predicate kept (model output is untrusted: bound it). */
export const MAX_LABEL_CHARS = 200;

/**
 * Clean a display string: strip control characters, collapse whitespace, bound the length. Keeps case.
 * Model output is untrusted; this keeps stored labels single-line and bounded.
 */
export function cleanLabel(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2066-\u2069]/g, ' ')
    .replace(/\s+/g, ' ').trim().slice(0, MAX_LABEL_CHARS);
}

/**
 * The key used to de-duplicate entities: Unicode-normalised (NFKD, diacritics removed), lower case,
 * punctuation dropped, a leading English article removed, whitespace collapsed.
 * `"The Acme, Inc."` and `"acme inc"` give the same key.
 */
export function normaliseLabel(text: string): string {
  // Fast path for plain ASCII (most names): no Unicode decomposition needed. It is hot: every look-up.
  const folded = /^[\x20-\x7e]*$/.test(text)
    ? text.toLowerCase().replace(/[^a-z0-9]+/g, ' ')
    : text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ');
  return folded.trim().replace(/^(the|a|an) /, '');
}

/** Predicates are compared and stored normalised: lower case, single spaces, no punctuation at the ends. */
export function normalisePredicate(text: string): string {
  return cleanLabel(text).toLowerCase().replace(/[_]+/g, ' ').replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '').replace(/\s+/g, ' ');
}
