/**
 * Split an imported document (txt or md) into chunks small enough for one extraction prompt, at
 * paragraph, then sentence, then word boundaries, keeping each chunk's character offset in the original
 * text so that provenance spans point into the document as imported.
 */

/** One chunk of a document. */
export interface TextChunk {
  /** 0-based position of the chunk. */
  index: number;
  /** Offset of `text` in the document. */
  start: number;
  text: string;
}

/** Options of `chunkText`. */
export interface ChunkOptions {
  /** Longest chunk in characters. Default 1200. */
  maxChars?: number;
  /** `md` drops fenced code blocks (they rarely state facts and eat the budget). Default `txt`. */
  format?: 'txt' | 'md';
}

interface Piece { start: number; end: number }

/** Split `[start, end)` of `text` at the last boundary matching `re` before the limit, recursively. */
function splitPiece(text: string, p: Piece, max: number): Piece[] {
  if (p.end - p.start <= max) return [p];
  const window = text.slice(p.start, p.start + max);
  // Prefer a sentence end, then any whitespace; else a hard cut.
  let cut = -1;
  for (const re of [/[.!?]["')\]]?\s+/g, /\s+/g]) {
    for (const m of window.matchAll(re)) if (m.index > max / 4) cut = m.index + m[0].length;
    if (cut > 0) break;
  }
  const at = p.start + (cut > 0 ? cut : max);
  return [{ start: p.start, end: at }, ...splitPiece(text, { start: at, end: p.end }, max)];
}

/** Split a document into chunks with offsets. Empty and whitespace-only chunks are dropped. */
export function chunkText(text: string, options: ChunkOptions = {}): TextChunk[] {
  const max = Math.max(64, options.maxChars ?? 1200);
  // Paragraphs: runs of text between blank lines (and, in markdown, outside code fences).
  const paragraphs: Piece[] = [];
  let inFence = false;
  let paraStart = -1;
  let pos = 0;
  for (const line of text.split(/(?<=\n)/)) {
    const lineEnd = pos + line.length;
    const fence = options.format === 'md' && /^\s*(```|~~~)/.test(line);
    if (fence) inFence = !inFence;
    const blank = line.trim() === '' || fence || inFence;
    if (blank) {
      if (paraStart >= 0) paragraphs.push({ start: paraStart, end: pos });
      paraStart = -1;
    } else if (paraStart < 0) {
      paraStart = pos;
    }
    pos = lineEnd;
  }
  if (paraStart >= 0) paragraphs.push({ start: paraStart, end: text.length });

  // Pack paragraphs into chunks up to `max`, splitting long ones.
  const chunks: TextChunk[] = [];
  let cur: Piece | null = null;
  const emit = (p: Piece) => {
    const raw = text.slice(p.start, p.end);
    const lead = raw.length - raw.trimStart().length;
    const body = raw.trim();
    if (body) chunks.push({ index: chunks.length, start: p.start + lead, text: body });
  };
  for (const para of paragraphs.flatMap((p) => splitPiece(text, p, max))) {
    // Merge with the previous piece only across whitespace (never across a skipped code fence).
    if (cur && para.end - cur.start <= max && text.slice(cur.end, para.start).trim() === '') {
      cur = { start: cur.start, end: para.end };
    } else {
      if (cur) emit(cur);
      cur = para;
    }
  }
  if (cur) emit(cur);
  return chunks;
}
