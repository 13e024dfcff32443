import { describe, expect, test } from 'vitest';
import { isModelOriginAllowed, normaliseOrigin, normaliseOrigins } from './model-origins';

const ORIGIN = 'http://127.0.0.1:4173';

describe('model origins', () => {
  test('normaliseOrigin keeps http(s) origins only', () => {
    expect(normaliseOrigin(' https://huggingface.co/ ')).toBe('https://huggingface.co');
    expect(normaliseOrigin('HTTP://Example.COM:8080')).toBe('http://example.com:8080');
    for (const bad of ['huggingface.co', 'https://huggingface.co/models', 'https://u:p@x.com', 'https://x.com/?a', 'file:///etc', 'data:text/plain,x', 'javascript:1', '', 42, null]) {
      expect(normaliseOrigin(bad), String(bad)).toBeNull();
    }
    expect(normaliseOrigins(['https://a.com', 'https://a.com/', 'junk', 'http://b.org:81'])).toEqual(['https://a.com', 'http://b.org:81']);
    expect(normaliseOrigins('https://a.com')).toEqual([]);
    expect(normaliseOrigins(Array.from({ length: 100 }, (_, i) => `https://h${i}.com`))).toHaveLength(64);
  });

  test('a model URL is allowed on the own origin or an allowed origin only', () => {
    const allowed = ['https://huggingface.co'];
    expect(isModelOriginAllowed('/fixtures/tiny.gguf', ORIGIN, [])).toBe(true);
    expect(isModelOriginAllowed('tiny.gguf', ORIGIN, [])).toBe(true);
    expect(isModelOriginAllowed(`${ORIGIN}/m.gguf`, ORIGIN, [])).toBe(true);
    expect(isModelOriginAllowed('https://huggingface.co/a/b.gguf', ORIGIN, allowed)).toBe(true);
    expect(isModelOriginAllowed('https://huggingface.co/a/b.gguf', ORIGIN, [])).toBe(false);
    expect(isModelOriginAllowed('//evil.example/m.gguf', ORIGIN, allowed)).toBe(false);
    expect(isModelOriginAllowed('http://huggingface.co/a.gguf', ORIGIN, allowed)).toBe(false);
    expect(isModelOriginAllowed('http://127.0.0.1:4174/m.gguf', ORIGIN, allowed)).toBe(false);
    expect(isModelOriginAllowed('data:application/octet-stream;base64,AAAA.gguf', ORIGIN, [ORIGIN])).toBe(false);
    expect(isModelOriginAllowed('blob:http://127.0.0.1:4173/x.gguf', ORIGIN, [ORIGIN])).toBe(false);
  });
});
