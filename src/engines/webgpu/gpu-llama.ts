/**
 * The llama forward pass on WebGPU: weights uploaded in their GGUF types (quantised ones stay
 * quantised), an f16 KV cache per layer with a whole context for each of `nSeq` sequences,
 * activation buffers for a step of up to `MAX_BATCH` tokens, and one command buffer per step — a
 * single compute pass of ~12 dispatches per layer. A step holds tokens of one or several sequences,
 * each at its own positions: a prefill chunk, a batched decode step (one token of each decoding
 * sequence: the weights are read once for all of them), or both mixed. Only the logits after the last
 * token of the parts that ask for them come back (`nVocab × 4` bytes a row).
 */
import { ModelTooLargeError } from '../../errors';
import type { GgufHeader } from '../../models/gguf-header';
import { WEBGPU_MAX_BATCH } from '../../models/cost';
import { GpuMemory } from './gpu-memory';
import { Kernels, type Kernel, type KernelVariant } from './gpu-kernels';
import { FLAT_BLOCK, FLAT_MATVEC_ROWS, MATMUL_TILE, MATVEC_ROWS } from './kernels/matmul.wgsl';
import { BLOCK_MATRICES, type BlockMatrix, type LlamaConfig } from './model-config';
import { ropeTable } from './rope';
import { dequantize, packForGpu, readTensorBytes } from './tensor-data';

/** Tokens per prefill chunk (activation buffers are sized for this many; the cost estimate agrees). */
export const MAX_BATCH = WEBGPU_MAX_BATCH;
const MAX_GROUPS = 65535;
const S = GPUBufferUsage.STORAGE;

interface GpuMatrix { type: number; rows: number; cols: number; w: GPUBuffer; s: GPUBuffer | null }
interface Call { kernel: Kernel; group: GPUBindGroup; groups: (nTok: number) => [number, number] }

/** One sequence's part of a step: `tokens` at positions `pos0…`; `logits`: return the logits after its last token. */
export interface StepPart { seq: number; tokens: readonly number[]; pos0: number; logits: boolean }

/** Split a 1-D workgroup count over x and y (WebGPU caps each at 65535). */
function split(n: number): [number, number] {
  return n <= MAX_GROUPS ? [n, 1] : [MAX_GROUPS, Math.ceil(n / MAX_GROUPS)];
}

export class GpuLlama {
  readonly memory: GpuMemory;
  /** Bytes of weights on the GPU (after repacking), and of the KV cache. */
  weightBytes = 0;
  kvBytes = 0;
  private kernels!: Kernels;
  private readonly params = new Map<string, GPUBuffer>();
  private step!: GPUBuffer;
  private tokenBuf!: GPUBuffer;
  /** Per token of the step: its position and the first cache row of its sequence (`seq × nCtx`). */
  private atBuf!: GPUBuffer;
  private logits!: GPUBuffer;
  private staging!: GPUBuffer;
  private selBuf!: GPUBuffer;
  private headStep!: GPUBuffer;
  private bodyOne: Call[] = [];
  private bodyMany: Call[] = [];
  private headOne: Call[] = [];
  private headMany: Call[] = [];
  /** Per layer, K and V: bind groups of the copy kernel over that cache buffer. */
  private copyGroups: GPUBindGroup[] = [];
  private copyParams!: GPUBuffer;
  /** Steps run; steps that held several sequences, and their tokens; of those, steps with a prefill chunk. */
  readonly counters = { steps: 0, batchedSteps: 0, batchedTokens: 0, mixedSteps: 0 };

  private constructor(readonly device: GPUDevice, readonly cfg: LlamaConfig, readonly nCtx: number, readonly variant: KernelVariant,
    readonly nSeq: number) {
    this.memory = new GpuMemory(device);
  }

  /** Upload the model and build every pipeline and bind group. */
  static async load(device: GPUDevice, blob: Blob, header: GgufHeader, cfg: LlamaConfig, nCtx: number, variant: KernelVariant,
    nSeq: number, onProgress?: (loaded: number, total: number) => void): Promise<GpuLlama> {
    if (!Number.isInteger(nSeq) || nSeq < 1 || nSeq > MAX_BATCH) throw new RangeError(`sequences must be an integer in [1, ${MAX_BATCH}]`);
    const m = new GpuLlama(device, cfg, nCtx, variant, nSeq);
    try {
      await m.build(blob, header, onProgress);
    } catch (e) {
      m.destroy();
      throw e;
    }
    return m;
  }

  private async build(blob: Blob, header: GgufHeader, onProgress?: (loaded: number, total: number) => void): Promise<void> {
    const { cfg, nCtx, memory, nSeq } = this;
    const limit = this.device.limits.maxStorageBufferBindingSize;
    const kvLayerBytes = nSeq * nCtx * cfg.headDim * cfg.nHeadKv * 2;
    if (kvLayerBytes > limit) {
      throw new ModelTooLargeError(`A layer's KV cache for ${nSeq} sequences of ${nCtx} tokens (${kvLayerBytes} bytes) exceeds this GPU's storage-binding limit`, {
        bytes: kvLayerBytes, limit, sequences: nSeq, nCtx,
      });
    }
    const total = header.dataBytes;
    let loaded = 0;
    const matrices = new Map<string, GpuMatrix>();
    const vectors = new Map<string, GPUBuffer>();
    const names = [...cfg.tensors.keys()].filter((n) => n !== 'rope_freqs.weight');
    for (const name of names) {
      const t = cfg.tensors.get(name)!;
      const bytes = await readTensorBytes(blob, header, t);
      if (t.dims.length === 1) {
        vectors.set(name, memory.upload(name, dequantize(t, bytes)));
      } else {
        const packed = packForGpu(t, bytes);
        if (packed.data.byteLength > limit) {
          throw new ModelTooLargeError(`Tensor ${name} (${packed.data.byteLength} bytes) exceeds this GPU's storage-binding limit`, {
            tensor: name, bytes: packed.data.byteLength, limit,
          });
        }
        matrices.set(name, {
          type: t.type, cols: t.dims[0]!, rows: t.dims[1]!, w: memory.upload(name, packed.data),
          s: packed.scales ? memory.upload(`${name}.scales`, packed.scales) : null,
        });
      }
      loaded += t.byteLength;
      onProgress?.(loaded, total);
    }
    const ff = cfg.tensors.get('rope_freqs.weight');
    const freqs = ff ? dequantize(ff, await readTensorBytes(blob, header, ff)) : undefined;
    this.weightBytes = memory.bytes;
    const types = new Set([...matrices.values()].map((x) => x.type));
    const embd = matrices.get('token_embd.weight')!;
    this.kernels = await Kernels.compile(this.device, types, embd.type, this.variant);
    this.allocate(matrices, vectors, memory.upload('rope', ropeTable(cfg, nCtx, freqs)));
  }

  private uniform(key: string, fields: (number | { f: number })[]): GPUBuffer {
    let b = this.params.get(key);
    if (!b) {
      b = this.memory.uniform(key, fields);
      this.params.set(key, b);
    }
    return b;
  }

  private group(kernel: Kernel, buffers: Record<number, GPUBuffer>): GPUBindGroup {
    return this.device.createBindGroup({
      layout: kernel.layout,
      entries: Object.entries(buffers).map(([binding, buffer]) => ({ binding: Number(binding), resource: { buffer } })),
    });
  }

  /**
   * Activation buffers, KV cache, and the dispatch lists: the body of a step (per layer) for one token
   * (matvec) or several (matmul), and the head (RMSNorm of the rows whose logits come back, then the
   * logits product) for one row or several.
   */
  private allocate(mats: Map<string, GpuMatrix>, vecs: Map<string, GPUBuffer>, rope: GPUBuffer): void {
    const { cfg, nCtx, memory, nSeq } = this;
    const B = MAX_BATCH;
    const nKvDim = cfg.headDim * cfg.nHeadKv;
    const act = (name: string, n: number) => memory.create(name, n * 4, S);
    const x = act('x', B * cfg.nEmbd), xn = act('xn', B * cfg.nEmbd), q = act('q', B * cfg.nEmbd), att = act('att', B * cfg.nEmbd);
    const k = act('k', B * nKvDim), v = act('v', B * nKvDim), g = act('gate', B * cfg.nFf), u = act('up', B * cfg.nFf);
    this.logits = memory.create('logits', nSeq * cfg.nVocab * 4, S | GPUBufferUsage.COPY_SRC);
    this.staging = memory.create('logits.staging', nSeq * cfg.nVocab * 4, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST);
    this.tokenBuf = memory.create('tokens', B * 4, S | GPUBufferUsage.COPY_DST);
    this.atBuf = memory.create('positions', B * 8, S | GPUBufferUsage.COPY_DST);
    this.selBuf = memory.create('head.rows', nSeq * 4, S | GPUBufferUsage.COPY_DST);
    const at = this.atBuf;
    this.step = memory.create('step', 16, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST);
    this.headStep = memory.create('head.step', 16, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST);
    const step = this.step;
    const K = this.kernels;
    const flat = this.variant === 'flat';

    /** [one token: matvec, several: matmul] of weight matrix `m`, sized by the uniform `st`. */
    const mm = (m: GpuMatrix, X: GPUBuffer, Y: GPUBuffer, add: boolean, st = step): [Call, Call] => {
      const kk = K.matmul(m.type);
      const buffers: Record<number, GPUBuffer> = { 0: this.uniform(`mm:${m.rows}:${m.cols}:${add}`, [m.rows, m.cols, add ? 1 : 0]), 1: m.w, 3: X, 4: Y, 5: st };
      if (m.s) buffers[2] = m.s;
      return [
        { kernel: kk.matvec, group: this.group(kk.matvec, buffers), groups: () => split(Math.ceil(m.rows / (flat ? FLAT_MATVEC_ROWS : MATVEC_ROWS))) },
        {
          kernel: kk.matmul, group: this.group(kk.matmul, buffers),
          groups: flat ? (n) => [Math.ceil(m.rows / FLAT_BLOCK / 64), Math.ceil(n / FLAT_BLOCK)] : (n) => [Math.ceil(m.rows / MATMUL_TILE), Math.ceil(n / MATMUL_TILE)],
        },
      ];
    };
    const both = (c: Call) => [c, c] as [Call, Call];
    const norm = (w: GPUBuffer, gather: boolean, Y: GPUBuffer, st = step): Call => {
      const kernel = K.rmsnorm;
      const p = this.uniform(`norm:${gather}`, [cfg.nEmbd, { f: cfg.rmsEps }, gather ? 1 : 0]);
      const groups = flat ? (n: number): [number, number] => [Math.ceil(n / 64), 1] : (n: number): [number, number] => [n, 1];
      return { kernel, group: this.group(kernel, { 0: p, 1: x, 2: w, 3: Y, 5: st, 6: this.selBuf }), groups };
    };
    const calls: [Call, Call][] = [];
    const embd = mats.get('token_embd.weight')!;
    const ek = K.embed(embd.type);
    const eb: Record<number, GPUBuffer> = { 0: this.uniform('embed', [embd.rows, embd.cols]), 1: embd.w, 3: this.tokenBuf, 4: x, 5: step };
    if (embd.s) eb[2] = embd.s;
    calls.push(both({ kernel: ek, group: this.group(ek, eb), groups: (n) => [Math.ceil(cfg.nEmbd / 256), n] }));
    const ropeP = this.uniform('rope', [cfg.nHead, cfg.nHeadKv, cfg.headDim, cfg.ropeDim]);
    const attP = this.uniform('attn', [cfg.nHead, cfg.nHeadKv, cfg.headDim, { f: 1 / Math.sqrt(cfg.headDim) }]);
    const swP = this.uniform('swiglu', [cfg.nFf]);
    const kvWords = nSeq * nCtx * nKvDim / 2;
    this.copyParams = memory.create('copy', 16, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST);
    for (let l = 0; l < cfg.nLayer; l++) {
      const W = Object.fromEntries(BLOCK_MATRICES.map((r) => [r, mats.get(`blk.${l}.${r}.weight`)!])) as Record<BlockMatrix, GpuMatrix>;
      const Kc = memory.create(`kv.${l}.k`, kvWords * 4, S), Vc = memory.create(`kv.${l}.v`, kvWords * 4, S);
      this.kvBytes += 2 * kvWords * 4;
      for (const c of [Kc, Vc]) this.copyGroups.push(this.group(K.copy, { 0: this.copyParams, 1: c }));
      const pairs = (cfg.nEmbd + 2 * nKvDim) / 2;
      calls.push(
        both(norm(vecs.get(`blk.${l}.attn_norm.weight`)!, false, xn)),
        mm(W.attn_q, xn, q, false), mm(W.attn_k, xn, k, false), mm(W.attn_v, xn, v, false),
        both({
          kernel: K.rope, group: this.group(K.rope, { 0: ropeP, 1: q, 2: k, 3: v, 4: Kc, 6: Vc, 7: rope, 8: at, 5: step }),
          groups: (n) => [Math.ceil(pairs / 64), n],
        }),
        both({
          kernel: K.attention, group: this.group(K.attention, { 0: attP, 1: q, 2: Kc, 3: Vc, 4: att, 6: at, 5: step }),
          groups: flat ? (n) => [Math.ceil((cfg.nHead * n) / 64), 1] : (n) => [cfg.nHead, n],
        }),
        mm(W.attn_output, att, x, true),
        both(norm(vecs.get(`blk.${l}.ffn_norm.weight`)!, false, xn)),
        mm(W.ffn_gate, xn, g, false), mm(W.ffn_up, xn, u, false),
        both({ kernel: K.swiglu, group: this.group(K.swiglu, { 0: swP, 1: g, 2: u, 5: step }), groups: (n) => split(Math.ceil((n * cfg.nFf) / 256)) }),
        mm(W.ffn_down, g, x, true),
      );
    }
    this.bodyOne = calls.map((c) => c[0]);
    this.bodyMany = calls.map((c) => c[1]);
    // The head runs over the selected rows only (`head.step`'s token count: the rows whose logits come back).
    const headNorm = norm(vecs.get('output_norm.weight')!, true, xn, this.headStep);
    const [outOne, outMany] = mm(mats.get(cfg.outputTensor)!, xn, this.logits, false, this.headStep);
    this.headOne = [headNorm, outOne];
    this.headMany = [headNorm, outMany];
  }

  /**
   * Run one step: every part's tokens at their positions of their sequence (each sequence at most
   * once; `MAX_BATCH` tokens at most in all), filling the KV caches. Returns the logits after the last
   * token of each part that asks for them (`logits: true`), in order. One token alone runs the
   * matrix-vector kernels; anything more (a prefill chunk, a batched decode step, both mixed) the
   * matrix-matrix ones. `lost` rejects when the device is lost.
   */
  async run(parts: readonly StepPart[], lost: Promise<never>): Promise<Float32Array[]> {
    const n = parts.reduce((a, p) => a + p.tokens.length, 0);
    if (n < 1 || n > MAX_BATCH) throw new RangeError(`a step holds 1 to ${MAX_BATCH} tokens, not ${n}`);
    if (new Set(parts.map((p) => p.seq)).size !== parts.length) throw new RangeError('a step holds each sequence at most once');
    const tokens = new Uint32Array(n);
    const at = new Uint32Array(n * 2);
    const sel: number[] = [];
    let i = 0;
    for (const p of parts) {
      this.checkSeq(p.seq);
      if (p.tokens.length === 0) throw new RangeError('a step part holds at least one token');
      if (p.pos0 + p.tokens.length > this.nCtx) throw new RangeError(`context of ${this.nCtx} tokens is full`);
      for (let t = 0; t < p.tokens.length; t++, i++) {
        tokens[i] = p.tokens[t]!;
        at[2 * i] = p.pos0 + t;
        at[2 * i + 1] = p.seq * this.nCtx;
      }
      if (p.logits) sel.push(i - 1);
    }
    const m = sel.length;
    const q = this.device.queue;
    q.writeBuffer(this.tokenBuf, 0, tokens);
    q.writeBuffer(this.atBuf, 0, at);
    q.writeBuffer(this.step, 0, new Uint32Array([n, 0, 0, 0]));
    if (m) {
      q.writeBuffer(this.selBuf, 0, new Uint32Array(sel));
      q.writeBuffer(this.headStep, 0, new Uint32Array([m, 0, 0, 0]));
    }
    const enc = this.device.createCommandEncoder();
    const pass = enc.beginComputePass();
    const dispatch = (calls: Call[], count: number) => {
      for (const c of calls) {
        const [gx, gy] = c.groups(count);
        pass.setPipeline(c.kernel.pipeline);
        pass.setBindGroup(0, c.group);
        pass.dispatchWorkgroups(gx, gy);
      }
    };
    dispatch(n === 1 ? this.bodyOne : this.bodyMany, n);
    if (m) dispatch(m === 1 ? this.headOne : this.headMany, m);
    pass.end();
    const bytes = m * this.cfg.nVocab * 4;
    if (m) enc.copyBufferToBuffer(this.logits, 0, this.staging, 0, bytes);
    q.submit([enc.finish()]);
    this.counters.steps++;
    if (parts.length > 1) {
      this.counters.batchedSteps++;
      this.counters.batchedTokens += n;
      if (parts.some((p) => p.tokens.length > 1)) this.counters.mixedSteps++;
    }
    if (!m) return [];
    await Promise.race([this.staging.mapAsync(GPUMapMode.READ, 0, bytes), lost]);
    const all = this.staging.getMappedRange(0, bytes).slice(0);
    this.staging.unmap();
    return sel.map((_, r) => new Float32Array(all, r * this.cfg.nVocab * 4, this.cfg.nVocab));
  }

  /**
   * Run `tokens` of sequence `seq` at positions `pos0…` (filling its KV cache) and return the logits
   * after the last one. Longer inputs run in chunks of `MAX_BATCH`.
   */
  async forward(tokens: number[], pos0: number, lost: Promise<never>, seq = 0): Promise<Float32Array> {
    if (tokens.length === 0) throw new RangeError('nothing to run');
    let out: Float32Array[] = [];
    for (let i = 0; i < tokens.length; i += MAX_BATCH) {
      const last = i + MAX_BATCH >= tokens.length;
      const step = this.run([{ seq, tokens: tokens.slice(i, i + MAX_BATCH), pos0: pos0 + i, logits: last }], lost);
      if (last) out = await step;
      else void step.catch(() => {}); // queued in order; a failure surfaces at the last chunk's read-back
    }
    return out[0]!;
  }

  /** One decode step for several sequences at once: a row of logits per entry, in order. */
  decodeBatch(steps: readonly { seq: number; token: number; pos: number }[], lost: Promise<never>): Promise<Float32Array[]> {
    return this.run(steps.map((s) => ({ seq: s.seq, tokens: [s.token], pos0: s.pos, logits: true })), lost);
  }

  /**
   * Copy the first `n` cached positions of sequence `from` to sequence `to` (every layer's keys and
   * values), so `to` can go on from a prefix `from` already computed. Queued in order with the steps:
   * the rows `from` holds now are the ones copied.
   */
  copyPrefix(from: number, to: number, n: number): void {
    this.checkSeq(from);
    this.checkSeq(to);
    if (from === to || n <= 0) return;
    if (n > this.nCtx) throw new RangeError(`a prefix of ${n} tokens is longer than the context (${this.nCtx})`);
    const rowWords = (this.cfg.headDim * this.cfg.nHeadKv) / 2;
    const words = n * rowWords;
    this.device.queue.writeBuffer(this.copyParams, 0, new Uint32Array([from * this.nCtx * rowWords, to * this.nCtx * rowWords, words, 0]));
    const enc = this.device.createCommandEncoder();
    const pass = enc.beginComputePass();
    pass.setPipeline(this.kernels.copy.pipeline);
    const [gx, gy] = split(Math.ceil(words / 256));
    for (const g of this.copyGroups) {
      pass.setBindGroup(0, g);
      pass.dispatchWorkgroups(gx, gy);
    }
    pass.end();
    this.device.queue.submit([enc.finish()]);
  }

  private checkSeq(seq: number): void {
    if (!Number.isInteger(seq) || seq < 0 || seq >= this.nSeq) throw new RangeError(`sequence ${seq} is not in [0, ${this.nSeq})`);
  }

  /** Free every GPU buffer (the device itself belongs to the caller). */
  destroy(): void {
    this.memory.destroyAll();
    this.params.clear();
  }
}

