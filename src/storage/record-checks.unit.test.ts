import { describe, expect, test } from 'vitest';
import { chunkProblem, conversationProblem, modelProblem, numberMap, sameKind, settingProblem } from './record-checks';

const conv = { id: 'c', appId: 'chat', title: 't', messages: [{ role: 'user', content: 'hi' }], createdAt: 1, updatedAt: 2 };
const model = { id: 'm', name: 'M', engine: 'wllama', origin: 'url', sizeBytes: 10, chunkSize: 4, storedBytes: 0, state: 'remote', createdAt: 1, lastUsed: 0 };

describe('shape checks of stored records', () => {
  test('usable records pass, with or without their optional fields', () => {
    expect(conversationProblem(conv)).toBeNull();
    expect(conversationProblem({ ...conv, modelId: 'x', revision: 3, messages: [{ role: 'user', content: '', images: ['data:'] }] })).toBeNull();
    expect(modelProblem(model)).toBeNull();
    expect(modelProblem({ ...model, url: '/x', pending: false, chunkSha256: ['a'], role: 'projector', projectorOf: 'p', hyper: undefined })).toBeNull();
    expect(chunkProblem({ modelId: 'm', index: 0, blob: new Blob(['x']), size: 1, sha256: 'x' })).toBeNull();
    expect(settingProblem({ key: 'k', value: null, updatedAt: 1 })).toBeNull();
  });

  test('each damage is named by its field path', () => {
    expect(conversationProblem({ ...conv, messages: {} })).toBe('.messages is not an array');
    expect(conversationProblem({ ...conv, messages: [conv.messages[0], 7] })).toBe('.messages[1] is not an object');
    expect(conversationProblem({ ...conv, messages: [{ role: 'robot', content: '' }] })).toBe('.messages[0].role is not one of system, user, assistant, tool');
    expect(conversationProblem({ ...conv, messages: [{ role: 'user', content: 'x', images: 'pic' }] })).toBe('.messages[0].images is not an array');
    expect(conversationProblem({ ...conv, messages: [{ role: 'assistant', content: '', toolCalls: [{ id: 'c', name: 'f' }] }] })).toBe('.messages[0].toolCalls[0].arguments is not a string');
    expect(conversationProblem({ ...conv, id: '' })).toBe('.id is not a non-empty string');
    expect(conversationProblem('text')).toBe('is not an object');
    expect(modelProblem({ ...model, sizeBytes: undefined })).toBe('.sizeBytes is not a number ≥ 0');
    expect(modelProblem({ ...model, sizeBytes: NaN })).toBe('.sizeBytes is not a number ≥ 0');
    expect(modelProblem({ ...model, chunkSize: 0 })).toBe('.chunkSize is not a whole number > 0');
    expect(modelProblem({ ...model, state: 'done' })).toBe('.state is not one of remote, partial, cached');
    expect(modelProblem({ ...model, hyper: { name: 1 } })).toBe('.hyper.architecture is not a string');
    expect(chunkProblem({ modelId: 'm', index: 0, blob: 'x', size: 1, sha256: 'x' })).toBe('.blob is not a Blob');
    expect(settingProblem({ key: '', value: 1, updatedAt: 1 })).toBe('.key is not a non-empty string');
  });

  test('a setting value must have the kind of its default', () => {
    expect(sameKind('dark', 'light')).toBeNull();
    expect(sameKind(3, 'light')).toBe('is not a string');
    expect(sameKind(Infinity, 0)).toBe('is not a number');
    expect(sameKind([], {})).toBe('is not an object');
    expect(sameKind({}, [])).toBe('is not an array');
    expect(sameKind(null, {})).toBe('is not an object');
    expect(sameKind({ a: 1 }, {})).toBeNull();
    expect(numberMap({ a: 1, b: 2 })).toBeNull();
    expect(numberMap({ a: '1' })).toBe('.a is not a finite number');
  });
});
