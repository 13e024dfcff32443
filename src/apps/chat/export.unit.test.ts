import { describe, expect, test } from 'vitest';
import { conversationToJson, conversationToMarkdown, fileName } from './export';
import type { ConversationRecord } from '../../storage/schema';

const conv: ConversationRecord = {
  id: 'c1', appId: 'chat', title: 'Rust vs. Go: which?', modelId: 'tiny', createdAt: Date.UTC(2026, 0, 2), updatedAt: Date.UTC(2026, 0, 3),
  messages: [
    { role: 'system', content: 'Be brief.\nUse lists.' },
    { role: 'user', content: 'Compare them' },
    { role: 'assistant', content: '- Rust: ownership\n- Go: goroutines' },
  ],
};
const names = { user: 'You', assistant: 'Assistant', system: 'System prompt' };

describe('conversation export', () => {
  test('Markdown: title, system prompt quoted, one heading per turn, content verbatim', () => {
    expect(conversationToMarkdown(conv, names)).toBe(
      '# Rust vs. Go: which?\n\n> **System prompt:** Be brief.\n> Use lists.\n\n## You\n\nCompare them\n\n## Assistant\n\n- Rust: ownership\n- Go: goroutines\n');
  });

  test('JSON: the record with ISO times; it parses back to the same messages', () => {
    const j = JSON.parse(conversationToJson(conv));
    expect(j).toEqual({ id: 'c1', title: conv.title, modelId: 'tiny', createdAt: '2026-01-02T00:00:00.000Z', updatedAt: '2026-01-03T00:00:00.000Z', messages: conv.messages });
  });

  test('images of a user message come first in both formats, as data URLs', () => {
    const png = 'data:image/png;base64,iVBORw0KGgo=';
    const withImages: ConversationRecord = { ...conv, messages: [{ role: 'user', content: 'What is it?', images: [png, png] }, { role: 'user', content: '', images: [png] }] };
    expect(conversationToMarkdown(withImages, { ...names, image: 'Image' })).toBe(
      `# Rust vs. Go: which?\n\n## You\n\n![Image 1](${png})\n\n![Image 2](${png})\n\nWhat is it?\n\n## You\n\n![Image 1](${png})\n`);
    expect(JSON.parse(conversationToJson(withImages)).messages[0].images).toEqual([png, png]);
  });

  test('file names keep letters (any script) and digits only', () => {
    expect(fileName('Rust vs. Go: which?', 'md')).toBe('rust-vs-go-which.md');
    expect(fileName('你好，世界', 'json')).toBe('你好-世界.json');
    expect(fileName('???', 'md')).toBe('conversation.md');
    expect(fileName('x'.repeat(100), 'md')).toHaveLength(63);
  });
});
