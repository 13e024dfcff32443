import { describe, expect, test } from 'vitest';
import { Template } from '@huggingface/jinja';
import { CONSTRAINT_LIMITS } from '../protocol/constraint-limits';
import { parseTemplate, renderChatTemplate } from './template-render';
import { templateToolStyle } from '../constraints/tool-calls';
import { LLAMA31_TEMPLATE, QWEN25_TEMPLATE } from '../../test/fixtures/tool-templates';

const CHATML = "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}{% endfor %}" +
  "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";
const render = (source: string) => renderChatTemplate(parseTemplate(source), [{ role: 'user', content: 'hi' }], '<s>', '</s>');
const limitOf = (source: string): (Record<string, unknown> & { ms: number }) | null => {
  const t0 = performance.now();
  try {
    render(source);
  } catch (e) {
    return { code: (e as { code?: string }).code, ...(e as { details?: Record<string, unknown> }).details, ms: performance.now() - t0 };
  }
  return null;
};

describe('bounded chat-template rendering', () => {
  test('an ordinary template renders as before, range() included', () => {
    expect(render(CHATML)).toBe('<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n');
    expect(render('{% for i in range(3) %}{{ i }}{% endfor %}{{ bos_token }}')).toBe('012<s>');
    expect(render('{% for i in range(10, 0, -4) %}{{ i }},{% endfor %}')).toBe('10,6,2,');
  });

  test('every limit stops a hostile template with its InvalidRequestError, well within a second', () => {
    expect(limitOf('{% for a in range(1000000) %}{% for b in range(1000000) %}{% endfor %}{% endfor %}'))
      .toMatchObject({ code: 'INVALID_REQUEST', limit: 'templateItems', value: 1_000_000, max: CONSTRAINT_LIMITS.templateItems });
    // Empty loop bodies evaluate nothing: the loop variables are counted instead.
    const nested = limitOf('{% for a in range(9000) %}{% for b in range(9000) %}{% endfor %}{% endfor %}');
    expect(['templateSteps', 'templateMs']).toContain(nested?.limit);
    expect(nested!.ms).toBeLessThan(CONSTRAINT_LIMITS.templateMs + 500);
    expect(limitOf("{% set ns = namespace(s='x') %}{% for a in range(40) %}{% set ns.s = ns.s + ns.s %}{% endfor %}{{ ns.s }}"))
      .toMatchObject({ limit: 'templateChars' });
    expect(limitOf('{% set ns = namespace(s=[1]) %}{% for a in range(40) %}{% set ns.s = ns.s + ns.s %}{% endfor %}'))
      .toMatchObject({ limit: 'templateItems' });
  });

  test('a failing template is an InvalidRequestError; outside a bounded render the library is untouched', () => {
    expect(limitOf("{{ raise_exception('no system role') }}")).toMatchObject({ code: 'INVALID_REQUEST' });
    expect(new Template('{% for i in range(20000) %}{% endfor %}ok').render({})).toBe('ok');
  });
});

describe('tools in a template\'s own format', () => {
  const history = [
    { role: 'user' as const, content: 'Weather in Paris?' },
    { role: 'assistant' as const, content: '', toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: '{"city": "Paris"}' }] },
    { role: 'tool' as const, content: '{"temp": 21}', toolCallId: 'call_1' },
  ];
  const tools = [{ name: 'get_weather', description: 'Weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } }];

  test("Qwen 2.5's template lists the tools and renders calls and results its way", () => {
    expect(templateToolStyle(QWEN25_TEMPLATE)).toBe('hermes');
    const text = renderChatTemplate(parseTemplate(QWEN25_TEMPLATE), history, '', '<|im_end|>', tools);
    expect(text).toContain('<tools>\n{"type": "function", "function": {"name": "get_weather", "description": "Weather", "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}}\n</tools>');
    expect(text).toContain('<|im_start|>assistant\n<tool_call>\n{"name": "get_weather", "arguments": {"city": "Paris"}}\n</tool_call><|im_end|>');
    expect(text).toContain('<|im_start|>user\n<tool_response>\n{"temp": 21}\n</tool_response><|im_end|>');
    expect(text.endsWith('<|im_start|>assistant\n')).toBe(true);
  });

  test("Llama 3.1's template: tools in the first user turn, the call as JSON with parameters, the result as ipython", () => {
    expect(templateToolStyle(LLAMA31_TEMPLATE)).toBe('llama3');
    const text = renderChatTemplate(parseTemplate(LLAMA31_TEMPLATE), history, '<|begin_of_text|>', '<|eot_id|>', tools);
    expect(text).toContain('"parameters": dictionary of argument name');
    expect(text).toContain('{"name": "get_weather", "parameters": {"city": "Paris"}}<|eot_id|>');
    expect(text).toContain('<|start_header_id|>ipython<|end_header_id|>\n\n{"temp": 21}<|eot_id|>');
  });
});
