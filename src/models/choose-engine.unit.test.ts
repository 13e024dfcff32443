import { describe, expect, test } from 'vitest';
import { chooseGgufEngine } from './choose-engine';

describe('chooseGgufEngine', () => {
  test('WebGPU without shader-f16 → our f32 WebGPU engine', () => {
    expect(chooseGgufEngine({ webgpu: true, f16: false })).toBe('webgpu');
  });
  test('WebGPU with shader-f16 → wllama (its WebGPU backend)', () => {
    expect(chooseGgufEngine({ webgpu: true, f16: true })).toBe('wllama');
  });
  test('no WebGPU → wllama on wasm', () => {
    expect(chooseGgufEngine({ webgpu: false, f16: false })).toBe('wllama');
    expect(chooseGgufEngine({ webgpu: false, f16: true })).toBe('wllama');
  });
});

describe('chooseGgufEngine with a software adapter and a user preference', () => {
  test('a software adapter (SwiftShader) keeps wllama on auto', () => {
    expect(chooseGgufEngine({ webgpu: true, f16: false, software: true })).toBe('wllama');
  });
  test('the user can force either engine; webgpu only where WebGPU exists', () => {
    expect(chooseGgufEngine({ webgpu: true, f16: false, software: true, preference: 'webgpu' })).toBe('webgpu');
    expect(chooseGgufEngine({ webgpu: true, f16: true, preference: 'webgpu' })).toBe('webgpu');
    expect(chooseGgufEngine({ webgpu: true, f16: false, preference: 'wllama' })).toBe('wllama');
    expect(chooseGgufEngine({ webgpu: false, f16: false, preference: 'webgpu' })).toBe('wllama');
    expect(chooseGgufEngine({ webgpu: true, f16: false, preference: 'auto' })).toBe('webgpu');
  });
});
