/**
 * The instructions the writing-assistance APIs send (pure): one system message saying what to produce
 * — summary type and length as the explainer's table gives them, tone, format, output language — with
 * the shared and per-call context, then the input as the user message. Small models follow short
 * English instructions best; the output language is named in English (`Intl.DisplayNames`).
 */
import type { ChatMessage } from '../../protocol/engine';

export const SUMMARIZER_TYPES = ['tldr', 'teaser', 'key-points', 'headline'] as const;
export const SUMMARIZER_FORMATS = ['plain-text', 'markdown'] as const;
export const SUMMARIZER_LENGTHS = ['short', 'medium', 'long'] as const;
export const PERFORMANCE_PREFERENCES = ['auto', 'speed', 'capability'] as const;
export const WRITER_TONES = ['formal', 'neutral', 'casual'] as const;
export const WRITER_FORMATS = ['plain-text', 'markdown'] as const;
export const WRITER_LENGTHS = ['short', 'medium', 'long'] as const;
export const REWRITER_TONES = ['as-is', 'more-formal', 'more-casual'] as const;
export const REWRITER_FORMATS = ['as-is', 'plain-text', 'markdown'] as const;
export const REWRITER_LENGTHS = ['as-is', 'shorter', 'longer'] as const;

export type SummarizerType = (typeof SUMMARIZER_TYPES)[number];
export type SummarizerFormat = (typeof SUMMARIZER_FORMATS)[number];
export type SummarizerLength = (typeof SUMMARIZER_LENGTHS)[number];
export type PerformancePreference = (typeof PERFORMANCE_PREFERENCES)[number];
export type WriterTone = (typeof WRITER_TONES)[number];
export type WriterFormat = (typeof WRITER_FORMATS)[number];
export type WriterLength = (typeof WRITER_LENGTHS)[number];
export type RewriterTone = (typeof REWRITER_TONES)[number];
export type RewriterFormat = (typeof REWRITER_FORMATS)[number];
export type RewriterLength = (typeof REWRITER_LENGTHS)[number];

/** The English name of a language tag ("de" → "German"); the tag itself where the browser has no name. */
export function englishName(tag: string): string {
  try {
    return new Intl.DisplayNames(['en'], { type: 'language' }).of(tag) ?? tag;
  } catch {
    return tag;
  }
}

/** What a summary of each type and length is (the explainer's table). */
const SUMMARY: Record<SummarizerType, { what: string; length: Record<SummarizerLength, string> }> = {
  tldr: {
    what: 'a short, to-the-point overview of the text (a TL;DR), for a busy reader',
    length: { short: 'one sentence', medium: 'three sentences', long: 'five sentences' },
  },
  teaser: {
    what: 'a teaser that draws the reader in with the most interesting or intriguing parts of the text, without giving everything away',
    length: { short: 'one sentence', medium: 'three sentences', long: 'five sentences' },
  },
  'key-points': {
    what: 'the most important points of the text as a bulleted list',
    length: { short: 'three bullet points', medium: 'five bullet points', long: 'seven bullet points' },
  },
  headline: {
    what: 'one headline that captures the main point of the text',
    length: { short: 'at most 12 words', medium: 'at most 17 words', long: 'at most 22 words' },
  },
};

/** Output tokens kept for a summary of each type and length. */
export function summaryRoom(type: SummarizerType, length: SummarizerLength): number {
  if (type === 'headline') return { short: 48, medium: 64, long: 80 }[length];
  if (type === 'key-points') return { short: 160, medium: 256, long: 384 }[length];
  return { short: 96, medium: 192, long: 320 }[length];
}

/** Output tokens kept for a text of each writer length. */
export function writerRoom(length: WriterLength): number {
  return { short: 256, medium: 512, long: 1024 }[length];
}

/** Output tokens kept for a rewrite of each length. */
export function rewriterRoom(length: RewriterLength): number {
  return { shorter: 512, 'as-is': 768, longer: 1024 }[length];
}

function formatLine(format: 'plain-text' | 'markdown' | 'as-is'): string {
  if (format === 'markdown') return 'Use Markdown formatting where it helps.';
  if (format === 'plain-text') return 'Write plain text: no Markdown, no formatting characters.';
  return 'Keep the formatting of the original text.';
}

function languageLine(outputLanguage: string | null, fallback: string): string {
  return outputLanguage ? `Write in ${englishName(outputLanguage)}.` : fallback;
}

/** The context lines: the shared context of the instance and the call's own. */
function contextLines(sharedContext: string, context: string | undefined): string {
  const parts = [sharedContext.trim(), context?.trim() ?? ''].filter(Boolean);
  return parts.length ? `\n\nContext (use it to understand the text; do not summarize or copy it):\n${parts.join('\n')}` : '';
}

/** One system message with the instructions, then the input. */
function request(system: string, input: string): ChatMessage[] {
  return [{ role: 'system', content: system }, { role: 'user', content: input }];
}

export interface SummaryOptions {
  type: SummarizerType;
  format: SummarizerFormat;
  length: SummarizerLength;
  sharedContext: string;
  outputLanguage: string | null;
}

/** The request that summarizes `input`. */
export function summaryRequest(o: SummaryOptions, input: string, context?: string): ChatMessage[] {
  const spec = SUMMARY[o.type];
  const format = o.type === 'key-points' && o.format === 'plain-text'
    ? 'Write plain text: one point per line, each starting with "- ", no other formatting.'
    : o.type === 'headline' ? 'Write the headline alone, with no quotes or formatting.' : formatLine(o.format);
  return request(
    `You summarize texts. Write ${spec.what}, in ${spec.length[o.length]}. ${format} ` +
    `${languageLine(o.outputLanguage, 'Write in the language of the text.')} Reply with the summary only.${contextLines(o.sharedContext, context)}`,
    input,
  );
}

export interface WriteOptions {
  tone: WriterTone;
  format: WriterFormat;
  length: WriterLength;
  sharedContext: string;
  outputLanguage: string | null;
}

/** The request that writes what `input` asks for. */
export function writeRequest(o: WriteOptions, input: string, context?: string): ChatMessage[] {
  const tone = { formal: 'a formal', neutral: 'a neutral', casual: 'a casual' }[o.tone];
  const length = { short: 'Keep it short: one paragraph at most.', medium: 'Write a few paragraphs at most.', long: 'Write as much as the task needs, up to a page.' }[o.length];
  return request(
    `You are a writing assistant. Write the text the user's message asks for, in ${tone} tone. ${length} ${formatLine(o.format)} ` +
    `${languageLine(o.outputLanguage, "Write in the language of the user's message.")} Reply with the text only, without notes.${contextLines(o.sharedContext, context)}`,
    input,
  );
}

export interface RewriteOptions {
  tone: RewriterTone;
  format: RewriterFormat;
  length: RewriterLength;
  sharedContext: string;
  outputLanguage: string | null;
}

/** The request that rewrites `input`. */
export function rewriteRequest(o: RewriteOptions, input: string, context?: string): ChatMessage[] {
  const tone = { 'as-is': 'Keep its tone.', 'more-formal': 'Make it more formal.', 'more-casual': 'Make it more casual.' }[o.tone];
  const length = { 'as-is': 'Keep about the same length.', shorter: 'Make it shorter.', longer: 'Make it longer.' }[o.length];
  return request(
    `You rewrite texts. Rewrite the text in the user's message, keeping its meaning. ${tone} ${length} ${formatLine(o.format)} ` +
    `${languageLine(o.outputLanguage, 'Write in the language of the text.')} Reply with the rewritten text only.${contextLines(o.sharedContext, context)}`,
    input,
  );
}

/** The request that translates `input`. */
export function translateRequest(sourceLanguage: string, targetLanguage: string, input: string): ChatMessage[] {
  return request(
    `You are a professional translator. Translate the user's text from ${englishName(sourceLanguage)} to ${englishName(targetLanguage)}. ` +
    'Keep the meaning, tone and formatting. Reply with the translation only, without notes.',
    input,
  );
}
