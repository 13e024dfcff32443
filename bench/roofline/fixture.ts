/**
 * The large fixture of the roofline bench: a random-weight f32 llama model of ≈ 1.1 GB, built at bench
 * time into the OS temp folder (never into the repository) with the test fixtures' GGUF writer, and
 * reused by later runs while its spec is unchanged.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildTinyLlamaGguf, type TinyLlamaSpec } from '../../test/fixtures/gguf-writer.ts';

/**
 * 6 layers like bench-40m (same graph shape, so the same number of ops and thread barriers a token),
 * hidden size 2048, FFN 5632, 16 heads of 128 with 4 KV heads: 45 M weights a layer, 271 M in the blocks;
 * the 2050-token vocabulary keeps the embedding table at 17 MB (1.5 % of the file).
 */
export const LARGE_SPEC: TinyLlamaSpec = {
  name: 'llmos-roofline-1g', seed: 3, nEmbd: 2048, nLayer: 6, nHead: 16, nHeadKv: 4, nFf: 5632, nCtx: 2048, nWordPieces: 1789,
};

const WRITER = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'test', 'fixtures', 'gguf-writer.ts');

/**
 * Path of the large fixture, built first if missing (≈ 15 s and 2.3 GB of memory while building). The file
 * name carries a hash of the spec and of the writer's source, so a change to either builds a new file.
 */
export function ensureLargeFixture(spec: TinyLlamaSpec = LARGE_SPEC): string {
  const tag = createHash('sha256').update(JSON.stringify(spec)).update(readFileSync(WRITER)).digest('hex').slice(0, 10);
  const dir = join(tmpdir(), 'llmos-bench-roofline');
  const path = join(dir, `${spec.name}-${tag}.gguf`);
  if (existsSync(path)) return path;
  mkdirSync(dir, { recursive: true });
  const t0 = performance.now();
  const bytes = buildTinyLlamaGguf(spec);
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, bytes);
  renameSync(tmp, path); // whole or absent: an interrupted build is never reused
  console.log(`built ${path} (${(bytes.length / 1e9).toFixed(3)} GB) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return path;
}
