import { describe, expect, test } from 'vitest';
import { GgufError, InvalidRequestError } from '../errors';
import type { ModelRecord } from '../storage/schema';
import { readGgufHeader } from './gguf-header';
import { checkNotProjector, checkProjectorFile, foldProjector, projectorIdOf, splitModelFiles } from './projector';

import { buildTinyLlamaGguf, TINY_SPEC } from '../../test/fixtures/gguf-writer';
import { buildTinyMmprojGguf, TINY_MMPROJ_SPEC } from '../../test/fixtures/mmproj-writer';

// The same generators as the served fixtures (built in memory: unit tests run without the fixture server).
const files: Record<string, Blob> = {
  'tiny.gguf': new Blob([buildTinyLlamaGguf(TINY_SPEC) as Uint8Array<ArrayBuffer>]),
  'tiny-b.gguf': new Blob([buildTinyLlamaGguf({ ...TINY_SPEC, seed: 7 }) as Uint8Array<ArrayBuffer>]),
  'tiny-mmproj.gguf': new Blob([buildTinyMmprojGguf(TINY_MMPROJ_SPEC) as Uint8Array<ArrayBuffer>]),
};
const fixture = (name: string) => files[name]!;
const rec = (id: string, p: Partial<ModelRecord>): ModelRecord => ({
  id, name: id, engine: 'wllama', origin: 'catalog', sizeBytes: 0, chunkSize: 1024, storedBytes: 0, state: 'remote', createdAt: 0, lastUsed: 0, ...p,
});

describe('vision projector files', () => {
  test('a clip GGUF is a projector; a model is not, and each is refused in the other role', async () => {
    const header = await checkProjectorFile(fixture('tiny-mmproj.gguf'), 'tiny-mmproj.gguf');
    expect(header.metadata['general.architecture']).toBe('clip');
    const err = await checkProjectorFile(fixture('tiny-b.gguf'), 'tiny-b.gguf').catch((e) => e);
    expect(err).toBeInstanceOf(GgufError);
    expect(err.details).toMatchObject({ architecture: 'llama', expected: 'clip' });
    await expect(checkProjectorFile(new Blob([]), 'empty')).rejects.toBeInstanceOf(GgufError);
    await expect(checkProjectorFile(new Blob(['not a gguf at all']), 'x')).rejects.toBeInstanceOf(GgufError);
    expect(() => checkNotProjector(header, 'tiny-mmproj.gguf')).toThrow(GgufError);
    const model = await readGgufHeader(fixture('tiny.gguf'));
    expect(() => checkNotProjector(model, 'tiny.gguf')).not.toThrow();
  });

  test('two files are told apart by their headers, in either order', async () => {
    const model = fixture('tiny.gguf');
    const proj = fixture('tiny-mmproj.gguf');
    expect(await splitModelFiles([model])).toEqual({ model });
    expect(await splitModelFiles([proj, model])).toEqual({ model, projector: proj });
    expect(await splitModelFiles([model, proj])).toEqual({ model, projector: proj });
    await expect(splitModelFiles([model, fixture('tiny-b.gguf')])).rejects.toBeInstanceOf(InvalidRequestError);
    await expect(splitModelFiles([proj, proj])).rejects.toBeInstanceOf(InvalidRequestError);
    await expect(splitModelFiles([model, proj, model])).rejects.toBeInstanceOf(InvalidRequestError);
    await expect(splitModelFiles([])).rejects.toBeInstanceOf(InvalidRequestError);
  });

  test('a model and its projector fold into one row', () => {
    const m = rec('m', { sizeBytes: 1000, storedBytes: 1000, state: 'cached', verified: true, memoryBytes: 5000, projectorId: projectorIdOf('m') });
    const p = rec('m#mmproj', { role: 'projector', projectorOf: 'm', sizeHint: 200, state: 'remote' });
    expect(foldProjector(m, p)).toEqual({ sizeBytes: 1200, storedBytes: 1000, state: 'partial', verified: false, memoryBytes: 5210, inputs: ['text', 'image'] });
    expect(foldProjector(m, { ...p, sizeBytes: 200, storedBytes: 200, state: 'cached', verified: true })).toMatchObject({ state: 'cached', storedBytes: 1200, verified: true });
    expect(foldProjector({ ...m, state: 'remote', storedBytes: 0 }, p).state).toBe('remote');
    expect(foldProjector(m, undefined)).toMatchObject({ state: 'partial', sizeBytes: null }); // the projector record is gone
    const textOnly = { ...m };
    delete textOnly.projectorId;
    expect(foldProjector(textOnly, undefined)).toEqual({ sizeBytes: 1000, storedBytes: 1000, state: 'cached', verified: true, memoryBytes: 5000, inputs: ['text'] });
  });
});

