/**
 * The llama forward pass on WebGPU: weights uploaded in their GGUF types (quantised ones stay
 * quantised), an f16 KV cache per layer, activation buffers for a prefill chunk of up to
 * `MAX_BATCH` tokens, and one command buffer per chunk — a single compute pass of ~12 dispatches per
 * layer. Only the last token's logits come back (a `nVocab × 4`-byte readback).
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
  private logits!: GPUBuffer;
  private staging!: GPUBuffer;
  private decodeCalls: Call[] = [];
  private prefillCalls: Call[] = [];

  private constructor(readonly device: GPUDevice, readonly cfg: LlamaConfig, readonly nCtx: number, readonly variant: KernelVariant) {
    this.memory = new GpuMemory(device);
  }

  /** Upload the model and build every pipeline and bind group. */
  static async load(device: GPUDevice, blob: Blob, header: GgufHeader, cfg: LlamaConfig, nCtx: number, variant: KernelVariant,
    onProgress?: (loaded: number, total: number) => void): Promise<GpuLlama> {
    const m = new GpuLlama(device, cfg, nCtx, variant);
    try {
      await m.build(blob, header, onProgress);
    } catch (e) {
      m.destroy();
      throw e;
    }
    return m;
  }

  private async build(blob: Blob, header: GgufHeader, onProgress?: (loaded: number, total: number) => void): Promise<void> {
    const { cfg, nCtx, memory } = this;
    const limit = this.device.limits.maxStorageBufferBindingSize;
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

  /** Activation buffers, KV cache, and the two dispatch lists (decode: matvec, prefill: matmul). */
  private allocate(mats: Map<string, GpuMatrix>, vecs: Map<string, GPUBuffer>, rope: GPUBuffer): void {
    const { cfg, nCtx, memory } = this;
    const B = MAX_BATCH;
    const nKvDim = cfg.headDim * cfg.nHeadKv;
    const act = (name: string, n: number) => memory.create(name, n * 4, S);
    const x = act('x', B * cfg.nEmbd), xn = act('xn', B * cfg.nEmbd), q = act('q', B * cfg.nEmbd), att = act('att', B * cfg.nEmbd);
    const k = act('k', B * nKvDim), v = act('v', B * nKvDim), g = act('gate', B * cfg.nFf), u = act('up', B * cfg.nFf);
    this.logits = memory.create('logits', cfg.nVocab * 4, S | GPUBufferUsage.COPY_SRC);
    this.staging = memory.create('logits.staging', cfg.nVocab * 4, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST);
    this.tokenBuf = memory.create('tokens', B * 4, S | GPUBufferUsage.COPY_DST);
    this.step = memory.create('step', 16, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST);
    const step = this.step;
    const K = this.kernels;

    const mm = (m: GpuMatrix, X: GPUBuffer, Y: GPUBuffer, add: boolean): [Call, Call] => {
      const kk = K.matmul(m.type);
      const buffers: Record<number, GPUBuffer> = { 0: this.uniform(`mm:${m.rows}:${m.cols}:${add}`, [m.rows, m.cols, add ? 1 : 0]), 1: m.w, 3: X, 4: Y, 5: step };
      if (m.s) buffers[2] = m.s;
      const flat = this.variant === 'flat';
      return [
        { kernel: kk.matvec, group: this.group(kk.matvec, buffers), groups: () => split(Math.ceil(m.rows / (flat ? FLAT_MATVEC_ROWS : MATVEC_ROWS))) },
        {
          kernel: kk.matmul, group: this.group(kk.matmul, buffers),
          groups: flat ? (n) => [Math.ceil(m.rows / FLAT_BLOCK / 64), Math.ceil(n / FLAT_BLOCK)] : (n) => [Math.ceil(m.rows / MATMUL_TILE), Math.ceil(n / MATMUL_TILE)],
        },
      ];
    };
    const both = (c: Call) => [c, c] as [Call, Call];
    const norm = (w: GPUBuffer, lastOnly: boolean, Y: GPUBuffer): Call => {
      const kernel = K.rmsnorm;
      const p = this.uniform(`norm:${lastOnly}`, [cfg.nEmbd, { f: cfg.rmsEps }, lastOnly ? 1 : 0]);
      const rows = (n: number) => (lastOnly ? 1 : n);
      const groups = this.variant === 'flat' ? (n: number): [number, number] => [Math.ceil(rows(n) / 64), 1] : (n: number): [number, number] => [rows(n), 1];
      return { kernel, group: this.group(kernel, { 0: p, 1: x, 2: w, 3: Y, 5: step }), groups };
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
    const kvWords = nCtx * nKvDim / 2;
    for (let l = 0; l < cfg.nLayer; l++) {
      const W = Object.fromEntries(BLOCK_MATRICES.map((r) => [r, mats.get(`blk.${l}.${r}.weight`)!])) as Record<BlockMatrix, GpuMatrix>;
      const Kc = memory.create(`kv.${l}.k`, kvWords * 4, S), Vc = memory.create(`kv.${l}.v`, kvWords * 4, S);
      this.kvBytes += 2 * kvWords * 4;
      const pairs = (cfg.nEmbd + 2 * nKvDim) / 2;
      calls.push(
        both(norm(vecs.get(`blk.${l}.attn_norm.weight`)!, false, xn)),
        mm(W.attn_q, xn, q, false), mm(W.attn_k, xn, k, false), mm(W.attn_v, xn, v, false),
        both({ kernel: K.rope, group: this.group(K.rope, { 0: ropeP, 1: q, 2: k, 3: v, 4: Kc, 6: Vc, 7: rope, 5: step }), groups: (n) => [Math.ceil(pairs / 64), n] }),
        both({
          kernel: K.attention, group: this.group(K.attention, { 0: attP, 1: q, 2: Kc, 3: Vc, 4: att, 5: step }),
          groups: this.variant === 'flat' ? (n) => [Math.ceil((cfg.nHead * n) / 64), 1] : (n) => [cfg.nHead, n],
        }),
        mm(W.attn_output, att, x, true),
        both(norm(vecs.get(`blk.${l}.ffn_norm.weight`)!, false, xn)),
        mm(W.ffn_gate, xn, g, false), mm(W.ffn_up, xn, u, false),
        both({ kernel: K.swiglu, group: this.group(K.swiglu, { 0: swP, 1: g, 2: u, 5: step }), groups: (n) => split(Math.ceil((n * cfg.nFf) / 256)) }),
        mm(W.ffn_down, g, x, true),
      );
    }
    calls.push(both(norm(vecs.get('output_norm.weight')!, true, xn)));
    const out = mats.get(cfg.outputTensor)!;
    const [outCall] = mm(out, xn, this.logits, false);
    calls.push([outCall, outCall]); // one row of logits: the decode matvec in both modes
    this.decodeCalls = calls.map((c) => c[0]);
    this.prefillCalls = calls.map((c) => c[1]);
  }

  /**
   * Run `tokens` at positions `pos0…` (filling the KV cache) and return the logits after the last
   * one. Longer inputs run in chunks of `MAX_BATCH`. `lost` rejects when the device is lost.
   */
  async forward(tokens: number[], pos0: number, lost: Promise<never>): Promise<Float32Array> {
    if (pos0 + tokens.length > this.nCtx) throw new RangeError(`context of ${this.nCtx} tokens is full`);
    for (let i = 0; i < tokens.length; i += MAX_BATCH) {
      const chunk = tokens.slice(i, i + MAX_BATCH);
      const last = i + MAX_BATCH >= tokens.length;
      this.device.queue.writeBuffer(this.tokenBuf, 0, new Uint32Array(chunk));
      this.device.queue.writeBuffer(this.step, 0, new Uint32Array([chunk.length, pos0 + i, 0, 0]));
      const enc = this.device.createCommandEncoder();
      const pass = enc.beginComputePass();
      for (const c of chunk.length === 1 ? this.decodeCalls : this.prefillCalls) {
        const [gx, gy] = c.groups(chunk.length);
        pass.setPipeline(c.kernel.pipeline);
        pass.setBindGroup(0, c.group);
        pass.dispatchWorkgroups(gx, gy);
      }
      pass.end();
      if (last) enc.copyBufferToBuffer(this.logits, 0, this.staging, 0, this.cfg.nVocab * 4);
      this.device.queue.submit([enc.finish()]);
    }
    await Promise.race([this.staging.mapAsync(GPUMapMode.READ), lost]);
    const out = new Float32Array(this.staging.getMappedRange().slice(0));
    this.staging.unmap();
    return out;
  }

  /** Free every GPU buffer (the device itself belongs to the caller). */
  destroy(): void {
    this.memory.destroyAll();
    this.params.clear();
  }
}

