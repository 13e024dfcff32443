import { describe, expect, test } from 'vitest';
import {
  genericToolPrompt, parseToolCalls, templateToolStyle, toolCallGrammar, toolConversation, ToolCallParser, type ToolCallDelta,
} from './tool-calls';
import type { ToolDefinition } from '../protocol/engine';

const WEATHER: ToolDefinition = {
  name: 'get_weather', description: 'Weather in a city',
  parameters: { type: 'object', properties: { city: { type: 'string' }, unit: { enum: ['c', 'f'] } }, required: ['city'] },
};
const TIME: ToolDefinition = { name: 'now', parameters: { type: 'object', properties: {} } };
const names = new Set(['get_weather', 'now']);
let n = 0;
const ids = () => `call_${n++}`;

/** Feed `text` in pieces of `size` characters; returns what came out, joined. */
function stream(text: string, size: number) {
  const p = new ToolCallParser(names, ids);
  const deltas: ToolCallDelta[] = [];
  let content = '';
  for (let i = 0; i < text.length; i += size) {
    const out = p.push(text.slice(i, i + size));
    content += out.content;
    deltas.push(...out.calls);
  }
  const out = p.end();
  content += out.content;
  deltas.push(...out.calls);
  return { p, deltas, content };
}

describe('templateToolStyle', () => {
  test('Qwen/Hermes, Llama 3.x and the rest', () => {
    expect(templateToolStyle("{%- if tools %}{{ '<tool_call>' }}{% endif %}")).toBe('hermes');
    expect(templateToolStyle('{% if tools is not none %}"parameters": {{ x }} ipython{% endif %}')).toBe('llama3');
    expect(templateToolStyle('{% for m in messages %}{{ m.content }}{% endfor %}')).toBe('generic');
    expect(templateToolStyle('<tool_call> but no tools variable')).toBe('generic');
    expect(templateToolStyle(undefined)).toBe('generic');
  });
});

describe('ToolCallParser', () => {
  const two = '<tool_call>\n{"name": "get_weather", "arguments": {"city": "Paris"}}\n</tool_call>\n<tool_call>\n{"name": "now", "arguments": {}}\n</tool_call>';

  test.each([1, 3, 7, 1000])('Hermes calls streamed in pieces of %i characters give the same calls', (size) => {
    const { p, deltas, content } = stream(two, size);
    expect(content).toBe('');
    expect(p.calls.map((c) => [c.name, JSON.parse(c.arguments)])).toEqual([['get_weather', { city: 'Paris' }], ['now', {}]]);
    // The first piece of each call names it and carries its id; the arguments pieces join up exactly.
    const heads = deltas.filter((d) => d.name);
    expect(heads.map((d) => [d.index, d.name, d.arguments])).toEqual([[0, 'get_weather', ''], [1, 'now', '']]);
    expect(heads.map((d) => d.id)).toEqual(p.calls.map((c) => c.id));
    for (const i of [0, 1]) expect(deltas.filter((d) => d.index === i).map((d) => d.arguments).join('')).toBe(p.calls[i]!.arguments);
    expect(p.incomplete).toBe(false);
  });

  test('a Llama 3.x call (bare JSON, "parameters") ends with the reply', () => {
    const { p, deltas } = stream('{"name": "get_weather", "parameters": {"city": "Oslo", "unit": "c"}}', 2);
    expect(p.calls).toHaveLength(1);
    expect(JSON.parse(p.calls[0]!.arguments)).toEqual({ city: 'Oslo', unit: 'c' });
    expect(deltas.map((d) => d.arguments).join('')).toBe(p.calls[0]!.arguments);
  });

  test('text is content, at once when it cannot be a call', () => {
    const p = new ToolCallParser(names, ids);
    expect(p.push('Hello').content).toBe('Hello');
    expect(p.push(' <b>').content).toBe(' <b>');
    expect(p.end()).toEqual({ content: '', calls: [] });
    expect(p.calls).toEqual([]);
  });

  test('a reply that starts like a call but names no tool is content, all of it', () => {
    expect(parseToolCalls('<tool_call>\n{"name": "rm_rf", "arguments": {}}\n</tool_call>', names)).toMatchObject({
      content: '<tool_call>\n{"name": "rm_rf", "arguments": {}}\n</tool_call>', calls: [],
    });
    expect(parseToolCalls('{"name": "Ada", "age": 3}', names).calls).toEqual([]);
    expect(parseToolCalls('<tool', names).content).toBe('<tool');
  });

  test('a call cut off inside its arguments is kept, marked incomplete', () => {
    const r = parseToolCalls('<tool_call>\n{"name": "get_weather", "arguments": {"city": "Par', names);
    expect(r.calls).toEqual([{ id: expect.any(String), name: 'get_weather', arguments: '{"city": "Par' }]);
    expect(r.incomplete).toBe(true);
  });

  test('text after the last call is content', () => {
    const r = parseToolCalls('<tool_call>\n{"name": "now", "arguments": {}}\n</tool_call>\nDone.', names);
    expect(r.calls.map((c) => c.name)).toEqual(['now']);
    expect(r.content).toBe('\nDone.');
  });
});

describe('toolCallGrammar', () => {
  test('required: only calls of the offered tools, arguments from each schema', () => {
    const g = toolCallGrammar({ tools: [WEATHER, TIME], style: 'generic', choice: 'required' });
    expect(g).toMatch(/^root ::= tool-calls$/m);
    expect(g).toContain('"<tool_call>\\n{\\"name\\": \\"get_weather\\", \\"arguments\\": "');
    expect(g).toContain('\\"now\\"');
    expect(g).toMatch(/^tool-calls ::= tool-call \("\\n" tool-call\)\*$/m);
    expect(g).toContain('"\\"city\\""');
    expect(g).not.toContain('free-reply');
  });

  test('a named function: that one only; no parallel calls: one call', () => {
    const g = toolCallGrammar({ tools: [WEATHER, TIME], style: 'hermes', choice: { name: 'now' }, parallel: false });
    expect(g).not.toContain('get_weather');
    expect(g).toMatch(/^tool-calls ::= tool-call$/m);
  });

  test('auto: calls, or text that does not begin like one; Llama 3.x calls are bare JSON', () => {
    expect(toolCallGrammar({ tools: [WEATHER], style: 'hermes' })).toMatch(/^root ::= tool-calls \| free-reply$/m);
    const g = toolCallGrammar({ tools: [WEATHER], style: 'llama3' });
    expect(g).toContain('free-reply ::= ( [^{]');
    expect(g).toContain('\\"parameters\\": ');
    expect(g).toMatch(/^tool-calls ::= tool-call$/m);
  });

  test('tools with the same sub-schemas get their own rules', () => {
    const a = { name: 'a', parameters: { type: 'object', properties: { x: { type: 'string', maxLength: 3 } }, required: ['x'] } };
    const g = toolCallGrammar({ tools: [a, { ...a, name: 'b' }], style: 'generic', choice: 'required' });
    const defined = [...g.matchAll(/^([\w-]+) ::=/gm)].map((m) => m[1]);
    expect(new Set(defined).size).toBe(defined.length);
    expect(defined.some((d) => d!.startsWith('t0-'))).toBe(true);
    expect(defined.some((d) => d!.startsWith('t1-'))).toBe(true);
  });
});

describe('toolConversation', () => {
  const history = [
    { role: 'system' as const, content: 'Be brief.' },
    { role: 'user' as const, content: 'Weather in Paris?' },
    { role: 'assistant' as const, content: '', toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: '{"city": "Paris"}' }] },
    { role: 'tool' as const, content: '{"temp": 21}', toolCallId: 'call_1' },
    { role: 'tool' as const, content: '{"temp": 22}', toolCallId: 'call_2' },
  ];

  test('generic: tools in the system prompt, calls as text, results as one user turn', () => {
    const { messages, tools } = toolConversation(history, [WEATHER], 'generic');
    expect(tools).toBeUndefined();
    expect(messages[0]!.content).toBe(`Be brief.\n\n${genericToolPrompt([WEATHER])}`);
    expect(messages[0]!.content).toContain('"name":"get_weather"');
    expect(messages[2]).toEqual({ role: 'assistant', content: '<tool_call>\n{"name": "get_weather", "arguments": {"city": "Paris"}}\n</tool_call>' });
    expect(messages[3]).toEqual({ role: 'user', content: '<tool_response>\n{"temp": 21}\n</tool_response>\n<tool_response>\n{"temp": 22}\n</tool_response>' });
    expect(messages).toHaveLength(4);
  });

  test("a template's own format gets the messages and tools as they are", () => {
    const { messages, tools } = toolConversation(history, [WEATHER], 'hermes');
    expect(messages).toEqual(history);
    expect(tools).toEqual([WEATHER]);
  });
});
