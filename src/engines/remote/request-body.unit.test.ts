/**
 * What the remote engine sends (`requestBody`, `openAiMessages`, `retryAfterMs`): our requests mapped to
 * OpenAI's HTTP API as vLLM, Ollama and llama-server take it — images as `image_url` parts, tool calls and
 * results, constraints, a resumed reply as a final assistant turn to continue, a raw prompt to
 * `/completions`, a replay's regenerated tokens on top of `max_tokens`.
 */
import { describe, expect, test } from 'vitest';
import { boundedText, openAiMessages, requestBody, retryAfterMs } from './remote-engine';

const PNG = 'data:image/png;base64,iVBORw0KGgo=';

describe('requestBody', () => {
  test('chat: messages, images, tools and sampling as OpenAI has them', () => {
    const { path, body } = requestBody({
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'What is this?', images: [PNG] },
        { role: 'assistant', content: '', toolCalls: [{ id: 'c1', name: 'look', arguments: '{"x":1}' }] },
        { role: 'tool', content: 'a cat', toolCallId: 'c1', name: 'look' },
      ],
      temperature: 0.5, topP: 0.9, seed: 7, maxTokens: 32, stop: ['\n\n'], logitBias: { 5: -100 },
      tools: [{ name: 'look', parameters: { type: 'object', properties: {} } }], toolChoice: 'required',
    }, 'qwen2.5-vl');
    expect(path).toBe('/chat/completions');
    expect(body).toMatchObject({
      model: 'qwen2.5-vl', stream: true, stream_options: { include_usage: true }, temperature: 0.5, top_p: 0.9, seed: 7,
      max_tokens: 32, stop: ['\n\n'], logit_bias: { 5: -100 }, tool_choice: 'required',
      tools: [{ type: 'function', function: { name: 'look', parameters: { type: 'object', properties: {} } } }],
    });
    expect(body.messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: [{ type: 'image_url', image_url: { url: PNG } }, { type: 'text', text: 'What is this?' }] },
      { role: 'assistant', content: '', tool_calls: [{ id: 'c1', type: 'function', function: { name: 'look', arguments: '{"x":1}' } }] },
      { role: 'tool', content: 'a cat', tool_call_id: 'c1', name: 'look' },
    ]);
  });

  test('constraints: a JSON schema, JSON mode, a GBNF grammar', () => {
    const schema = { type: 'object', properties: { a: { type: 'integer' } } };
    expect(requestBody({ prompt: 'x', jsonSchema: schema }, 'm').body.response_format).toEqual({ type: 'json_schema', json_schema: { name: 'output', schema, strict: true } });
    expect(requestBody({ prompt: 'x', jsonMode: true }, 'm').body.response_format).toEqual({ type: 'json_object' });
    expect(requestBody({ prompt: 'x', grammar: 'root ::= "a"' }, 'm').body.grammar).toBe('root ::= "a"');
  });

  test('a resumed chat continues the delivered text as a final assistant turn; a raw prompt goes to /completions', () => {
    const messages = [{ role: 'user' as const, content: 'Hi' }];
    const resumed = requestBody({ messages, maxTokens: 10, resume: { text: 'Hello th', tokens: 8 } }, 'm');
    expect(resumed.path).toBe('/chat/completions');
    expect(resumed.body).toMatchObject({ continue_final_message: true, add_generation_prompt: false, max_tokens: 10 });
    expect(resumed.body.messages).toEqual([{ role: 'user', content: 'Hi' }, { role: 'assistant', content: 'Hello th' }]);
    const raw = requestBody({ prompt: 'Once upon', maxTokens: 4, resume: { text: ' a', tokens: 1 } }, 'm');
    expect(raw).toMatchObject({ path: '/completions', body: { prompt: 'Once upon a', max_tokens: 4 } });
    expect(raw.body.messages).toBeUndefined();
    // A replay regenerates what was delivered: those tokens come on top of max_tokens.
    expect(requestBody({ messages, maxTokens: 10, replayTokens: 6 }, 'm').body.max_tokens).toBe(16);
  });

  test('openAiMessages leaves plain text as a string', () => {
    expect(openAiMessages([{ role: 'user', content: 'plain' }])).toEqual([{ role: 'user', content: 'plain' }]);
  });
});

describe('retryAfterMs', () => {
  test('seconds, an HTTP date, or nothing', () => {
    expect(retryAfterMs('3')).toBe(3000);
    expect(retryAfterMs('0.5')).toBe(500);
    expect(retryAfterMs('Wed, 21 Oct 2026 07:28:10 GMT', Date.parse('Wed, 21 Oct 2026 07:28:00 GMT'))).toBe(10_000);
    expect(retryAfterMs(null)).toBeNull();
    expect(retryAfterMs('soon')).toBeNull();
    expect(retryAfterMs('-4')).toBeNull();
  });
});

describe('boundedText', () => {
  const body = (parts: Uint8Array[]) => new Response(new ReadableStream({ start(c) { for (const p of parts) c.enqueue(p); c.close(); } }));
  test('reads up to the limit, across chunks (UTF-8 split between them); longer is null, and the rest is not read', async () => {
    const bytes = new TextEncoder().encode('{"data":["café"]}');
    const parts = [bytes.slice(0, 13), bytes.slice(13)]; // "é" is split across the two chunks
    expect(await boundedText(body(parts), 1024)).toBe('{"data":["café"]}');
    expect(await boundedText(body(parts), bytes.length)).toBe('{"data":["café"]}');
    expect(await boundedText(body(parts), bytes.length - 1)).toBeNull();
    let pulled = 0;
    const endless = new Response(new ReadableStream({ pull(c) { pulled++; c.enqueue(new Uint8Array(1024)); } }));
    expect(await boundedText(endless, 10_000)).toBeNull();
    expect(pulled).toBeLessThan(20);
  });
});
