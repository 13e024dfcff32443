import { describe, expect, test } from 'vitest';
import { TextStream } from './text-stream';

const enc = new TextEncoder();

describe('TextStream', () => {
  test('holds back a UTF-8 sequence split over byte tokens until it is complete', () => {
    const s = new TextStream();
    const bytes = enc.encode('日');
    expect(s.push(bytes.subarray(0, 1))).toBe('');
    expect(s.push(bytes.subarray(1, 2))).toBe('');
    expect(s.push(bytes.subarray(2))).toBe('日');
  });

  test('invalid bytes become U+FFFD instead of failing', () => {
    const s = new TextStream();
    expect(s.push(new Uint8Array([0x99]))).toBe('\uFFFD');
    expect(s.push(new Uint8Array([0xe6]))).toBe('');
    expect(s.flush()).toBe('\uFFFD');
  });

  test('a stop string spanning tokens ends the stream; its text is never delivered', () => {
    const s = new TextStream(['<end>']);
    expect(s.push(enc.encode('hello <e'))).toBe('hello ');
    expect(s.stopped).toBe(false);
    expect(s.push(enc.encode('nd> more'))).toBe('');
    expect(s.stopped).toBe(true);
    expect(s.push(enc.encode('x'))).toBe('');
    expect(s.flush()).toBe('');
  });

  test('held text that turns out not to be a stop string is released', () => {
    const s = new TextStream(['STOP']);
    expect(s.push(enc.encode('a ST'))).toBe('a ');
    expect(s.push(enc.encode('ART'))).toBe('START');
    expect(s.push(enc.encode(' S'))).toBe(' ');
    expect(s.flush()).toBe('S');
  });

  test('the earliest of several stop strings wins', () => {
    const s = new TextStream(['b', 'xyz']);
    expect(s.push(enc.encode('axyzb'))).toBe('a');
  });
});
