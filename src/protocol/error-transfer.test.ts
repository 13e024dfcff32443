import { expect, test } from 'vitest';
import * as Comlink from 'comlink';
import { ERROR_CLASSES, LlmOsError } from '../errors';
import { installErrorTransfer } from './error-transfer';

installErrorTransfer();

test('every LlmOsError subclass crosses a Comlink boundary with name, code, message, details and stack', async () => {
  const { port1, port2 } = new MessageChannel();
  Comlink.expose({
    fail(name: string) {
      const Cls = (ERROR_CLASSES as Record<string, typeof LlmOsError>)[name]!;
      throw new Cls(`boom ${name}`, { url: 'http://127.0.0.1/x', n: 3, nested: { ok: true } });
    },
    foreign() { throw new TypeError('plain type error'); },
    str() { throw 'a bare string'; },
  }, port1);
  const remote = Comlink.wrap<{ fail(n: string): void; foreign(): void; str(): void }>(port2);
  for (const [name, Cls] of Object.entries(ERROR_CLASSES)) {
    const err = await remote.fail(name).then(() => null, (e) => e);
    expect(err, name).toBeInstanceOf(Cls);
    expect(err).toBeInstanceOf(LlmOsError);
    expect(err.name).toBe(name);
    expect(err.code).toBe(new Cls('x').code);
    expect(err.message).toBe(`boom ${name}`);
    expect(err.details).toEqual({ url: 'http://127.0.0.1/x', n: 3, nested: { ok: true } });
    expect(err.stack).toContain('boom');
  }
  // Foreign errors are wrapped, never flattened to strings.
  const foreign = await remote.foreign().then(() => null, (e) => e);
  expect(foreign).toBeInstanceOf(LlmOsError);
  expect(foreign.message).toBe('plain type error');
  expect(foreign.details.cause).toBe('TypeError');
  const s = await remote.str().then(() => null, (e) => e);
  expect(s).toBeInstanceOf(LlmOsError);
  expect(s.message).toBe('a bare string');
  port1.close(); port2.close();
});

test('codes are unique and stable', () => {
  const codes = Object.values(ERROR_CLASSES).map((C) => new C('x').code);
  expect(new Set(codes).size).toBe(codes.length);
});
