/**
 * From a proofreading model's answer to the explainer's `ProofreadResult` (pure). The model is asked,
 * under a JSON schema, for the corrected text and — when the caller wants types or explanations — a
 * list of its edits (`original` → `correction`, a type, a reason). Models are bad at character
 * offsets, so the corrections' indices are never taken from the model: they come from a word diff of
 * the input against the corrected text (jsdiff), so each one addresses the input by construction; the
 * model's list only labels them (an edit it did not list is typed by its shape). The result is checked:
 * corrections ascending and non-overlapping within the input, and applying them to the input must give
 * `correctedInput` exactly.
 */
import { diffWordsWithSpace } from 'diff';

export const CORRECTION_TYPES = ['spelling', 'punctuation', 'capitalization', 'preposition', 'missing-words', 'grammar'] as const;
export type CorrectionType = (typeof CORRECTION_TYPES)[number];

/** One correction, as the explainer gives it. */
export interface ProofreadCorrection {
  startIndex: number;
  endIndex: number;
  correction: string;
  types?: CorrectionType[];
  explanation?: string;
}

/** What `proofread()` resolves with. */
export interface ProofreadResult {
  correctedInput: string;
  corrections?: ProofreadCorrection[];
}

/** An edit as the model lists it. */
export interface ModelEdit {
  original?: string;
  correction?: string;
  type?: string;
  explanation?: string;
}

/** The JSON schema the model answers under (bounded, so a reply always ends). */
export function proofreadSchema(input: string, labelled: boolean, explained: boolean): Record<string, unknown> {
  const schema: Record<string, unknown> = {
    type: 'object',
    properties: { correctedInput: { type: 'string', maxLength: Math.ceil(input.length * 1.5) + 16 } },
    required: ['correctedInput'],
  };
  if (labelled || explained) {
    const words = input.split(/\s+/).filter(Boolean).length;
    const item: Record<string, unknown> = {
      type: 'object',
      properties: {
        original: { type: 'string', maxLength: 32 },
        correction: { type: 'string', maxLength: 32 },
        type: { enum: [...CORRECTION_TYPES] },
        ...(explained ? { explanation: { type: 'string', maxLength: 80 } } : {}),
      },
      required: ['original', 'correction', 'type', ...(explained ? ['explanation'] : [])],
    };
    (schema.properties as Record<string, unknown>).corrections = { type: 'array', maxItems: Math.max(1, Math.min(8, Math.ceil(words / 2))), items: item };
    (schema.required as string[]).push('corrections');
  }
  return schema;
}

/** The instructions: what to correct, what to leave. */
export function proofreadInstructions(labelled: boolean, explained: boolean, explanationLanguage: string | null): string {
  const list = labelled || explained
    ? ` Also list each edit in "corrections": the original words, their correction, its type (${CORRECTION_TYPES.join(', ')})` +
      `${explained ? `, and a one-sentence explanation${explanationLanguage ? ` in ${explanationLanguage}` : ''}` : ''}.`
    : '';
  return 'You are a proofreader. Correct the spelling, grammar, punctuation and capitalization of the user\'s text, and add words that are missing. ' +
    'Change nothing else: keep its wording, meaning, tone and language. Answer with JSON: "correctedInput" is the whole corrected text.' + list;
}

/** The shape of an edit: what kind of correction it is when the model did not say. */
export function classify(original: string, correction: string): CorrectionType {
  const letters = (s: string) => s.replace(/[^\p{L}\p{N}\s]/gu, '');
  if (original.trim() === '') return letters(correction).trim() === '' ? 'punctuation' : 'missing-words';
  if (original.toLowerCase() === correction.toLowerCase()) return 'capitalization';
  if (letters(original) === letters(correction)) return 'punctuation';
  if (correction.trim() !== '' && !/\s/.test(original.trim()) && !/\s/.test(correction.trim())) return 'spelling';
  return 'grammar';
}

/** Corrections that turn `input` into `corrected`, by a word diff. */
export function diffCorrections(input: string, corrected: string): ProofreadCorrection[] {
  const out: ProofreadCorrection[] = [];
  let at = 0;
  let open: ProofreadCorrection | null = null;
  for (const part of diffWordsWithSpace(input, corrected)) {
    if (!part.added && !part.removed) {
      if (open) out.push(open);
      open = null;
      at += part.value.length;
      continue;
    }
    open ??= { startIndex: at, endIndex: at, correction: '' };
    if (part.removed) {
      at += part.value.length;
      open.endIndex = at;
    } else {
      open.correction += part.value;
    }
  }
  if (open) out.push(open);
  return out;
}

/** `input` with `corrections` applied. */
export function applyCorrections(input: string, corrections: readonly ProofreadCorrection[]): string {
  let out = '';
  let at = 0;
  for (const c of corrections) {
    out += input.slice(at, c.startIndex) + c.correction;
    at = c.endIndex;
  }
  return out + input.slice(at);
}

/** Whether the corrections address `input` (ascending, non-overlapping, in range) and reproduce `corrected`. */
export function checkCorrections(input: string, corrected: string, corrections: readonly ProofreadCorrection[]): boolean {
  let at = 0;
  for (const c of corrections) {
    if (!Number.isInteger(c.startIndex) || !Number.isInteger(c.endIndex) || c.startIndex < at || c.endIndex < c.startIndex || c.endIndex > input.length) return false;
    at = c.endIndex;
  }
  return applyCorrections(input, corrections) === corrected;
}

/**
 * The result for `input` from the model's parsed answer. Types and explanations are added only when
 * asked for (`labelled`, `explained`), from the model's edit whose original and correction match the
 * diff's, else from the edit's shape.
 */
export function proofreadResult(input: string, answer: { correctedInput: string; corrections?: ModelEdit[] }, labelled: boolean, explained: boolean): ProofreadResult {
  const corrected = answer.correctedInput;
  const edits = answer.corrections ?? [];
  const corrections = diffCorrections(input, corrected).map((c) => {
    const original = input.slice(c.startIndex, c.endIndex);
    const said = edits.find((e) => norm(e.original) === norm(original) && norm(e.correction) === norm(c.correction))
      ?? edits.find((e) => norm(e.original) !== '' && norm(original).includes(norm(e.original)));
    const type = (CORRECTION_TYPES as readonly string[]).includes(said?.type ?? '') ? said!.type as CorrectionType : classify(original, c.correction);
    return {
      ...c,
      ...(labelled ? { types: [type] } : {}),
      ...(explained ? { explanation: said?.explanation?.trim() || describe(original, c.correction) } : {}),
    };
  });
  if (!checkCorrections(input, corrected, corrections)) throw new Error('The corrections do not reproduce the corrected text');
  return { correctedInput: corrected, corrections };
}

const norm = (s: string | undefined) => (s ?? '').trim().toLowerCase();

function describe(original: string, correction: string): string {
  if (!original.trim()) return `Insert "${correction.trim()}".`;
  if (!correction.trim()) return `Remove "${original.trim()}".`;
  return `Replace "${original.trim()}" with "${correction.trim()}".`;
}
