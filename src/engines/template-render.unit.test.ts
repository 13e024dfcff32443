import { describe, expect, test } from 'vitest';
import { Template } from '@huggingface/jinja';
import { CONSTRAINT_LIMITS } from '../protocol/constraint-limits';
import { parseTemplate, renderChatTemplate } from './template-render';

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
