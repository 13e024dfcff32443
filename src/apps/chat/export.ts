/** Export a conversation as Markdown or JSON, and hand a text file to the browser's download. */
import type { ConversationRecord } from '../../storage/schema';

/**
 * The conversation as Markdown: title, system prompt as a quote, then each turn under a heading; a user
 * message's images come first, embedded as data URLs (the file stays self-contained).
 */
export function conversationToMarkdown(c: ConversationRecord, names: { user: string; assistant: string; system: string; image?: string }): string {
  const out = [`# ${c.title}`, ''];
  for (const m of c.messages) {
    if (m.role === 'system') {
      if (m.content.trim()) out.push(`> **${names.system}:** ${m.content.replace(/\n/g, '\n> ')}`, '');
      continue;
    }
    out.push(`## ${m.role === 'user' ? names.user : names.assistant}`, '');
    m.images?.forEach((url, i) => out.push(`![${names.image ?? 'Image'} ${i + 1}](${url})`, ''));
    if (m.content) out.push(m.content, '');
  }
  return out.join('\n').trimEnd() + '\n';
}

/** The conversation as JSON (the stored record: id, title, model, messages, times). */
export function conversationToJson(c: ConversationRecord): string {
  const { id, title, modelId, messages, createdAt, updatedAt } = c;
  return JSON.stringify({ id, title, modelId: modelId ?? null, createdAt: new Date(createdAt).toISOString(), updatedAt: new Date(updatedAt).toISOString(), messages }, null, 2) + '\n';
}

/** A file name from a title: letters, digits and dashes only. */
export function fileName(title: string, ext: string): string {
  const slug = title.toLowerCase().normalize('NFKD').replace(/[^\p{L}\p{N}]+/gu, '-').replace(/^-+|-+$/g, '').slice(0, 60) || 'conversation';
  return `${slug}.${ext}`;
}

/** Offer text as a file download. */
export function downloadText(name: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.rel = 'noopener';
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
