import { describe, expect, test } from 'vitest';
import { responseFormat, webllmChat, webllmMessages } from './webllm-request';

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

describe('tools on web-llm: the generic prompt and the calls grammar', () => {
  const tools = [{ name: 'now', parameters: { type: 'object', properties: { zone: { enum: ['utc'] } }, required: ['zone'] } }];

  test('tools go into the system message; calls and results become text turns', () => {
    const out = webllmChat({
      tools,
      messages: [
        { role: 'user', content: 'time?' },
        { role: 'assistant', content: '', toolCalls: [{ id: 'call_1', name: 'now', arguments: '{"zone": "utc"}' }] },
        { role: 'tool', content: '12:00', toolCallId: 'call_1' },
      ],
    });
    expect(out.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user']);
    expect(out[0]!.content).toContain('"name":"now"');
    expect(out[2]!.content).toBe('<tool_call>\n{"name": "now", "arguments": {"zone": "utc"}}\n</tool_call>');
    expect(out[3]!.content).toBe('<tool_response>\n12:00\n</tool_response>');
  });

  test('the calls grammar is sent as web-llm\'s grammar response_format, ahead of JSON mode', () => {
    const f = responseFormat({ messages: [], tools, toolChoice: 'required', jsonMode: true }).response_format as { type: string; grammar: string };
    expect(f.type).toBe('grammar');
    expect(f.grammar).toMatch(/^root ::= tool-calls$/m);
    expect(f.grammar).toContain('\\"now\\"');
    expect(responseFormat({ messages: [] })).toEqual({});
  });
});
