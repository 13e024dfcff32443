import { describe, expect, test } from 'vitest';
import { webllmMessages } from './webllm-request';

describe('webllmMessages', () => {
  test('a user message with images becomes image_url parts before the text', () => {
    const a = 'data:image/png;base64,AAAA';
    const b = 'data:image/jpeg;base64,BBBB';
    expect(webllmMessages([
      { role: 'system', content: 'be brief' },
      { role: 'user', content: 'compare these', images: [a, b] },
      { role: 'assistant', content: 'ok' },
      { role: 'user', content: 'and now?' },
    ])).toEqual([
      { role: 'system', content: 'be brief' },
      { role: 'user', content: [{ type: 'image_url', image_url: { url: a } }, { type: 'image_url', image_url: { url: b } }, { type: 'text', text: 'compare these' }] },
      { role: 'assistant', content: 'ok' },
      { role: 'user', content: 'and now?' },
    ]);
  });

  test('an empty image list leaves the message plain', () => {
    expect(webllmMessages([{ role: 'user', content: 'hi', images: [] }])).toEqual([{ role: 'user', content: 'hi' }]);
  });
});
