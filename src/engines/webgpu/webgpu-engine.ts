/**
 * `WebGpuEngine`: our own llama-family decoder in WGSL, for GGUF models (F32, F16, Q8_0, Q4_0) on any
 * WebGPU device — f32 compute only, so it runs where wllama's WebGPU backend cannot (no
 * `shader-f16`). It implements the same `Engine` contract as the wllama and WebLLM adapters and
 * reports the GPU memory it really allocated. A lost device surfaces as `DeviceLostError`; the engine
 * then drops the model and can load again on a fresh device. Worker-side only.
 *
 * Up to `LoadOptions.sequences` generations run at once, each on a sequence (KV cache) of its own, and
 * decode together in batched steps (`StepBatcher`). Sequences are kept between generations. A new
 * generation takes a free sequence that holds a prefix of its prompt and nothing more (a
 * conversation's next turn: nothing to evict), else an empty one, else the least recently used; and
 * if any sequence (even a running one) shares a longer prefix with the prompt — another app's
 * request with the same system prompt — those positions are copied on the GPU rather than prefilled.
 */
import {
  DeviceLostError, EngineBusyError, GenerationError, GgufError, InvalidRequestError, LlmOsError, ModelLoadError, ModelNotLoadedError,
  UnsupportedModelError, toLlmOsError, UnsupportedInputError,
} from '../../errors';
import { hyperParams, readGgufHeader } from '../../models/gguf-header';
import {
  makeUsage,
  type Engine, type EngineCapabilities, type GenerateRequest, type GenerateResult, type LoadOptions,
  type LoadProgress, type ModelInfo, type ModelSource, type TokenEvent,
} from '../../protocol/engine';
import { fetchBlob } from '../fetch-blob';
import { validateRequest } from '../../protocol/validate-request';
import { ChatTemplate } from './chat-template';
import { runGeneration } from './generation';
import { acquireDevice, type AcquiredDevice } from './gpu-device';
import { GpuLlama } from './gpu-llama';
import { defaultVariant } from './gpu-kernels';
import { llamaConfig } from './model-config';
import { StepBatcher } from './step-batcher';
import { Tokenizer } from './tokenizer';
import { DESTROY_DEVICE, FAULT_CHANNEL } from './fault-channel';


/** A sequence's KV cache: the tokens it holds, whether a generation owns it, when it was last used. */
interface Sequence { cached: number[]; busy: boolean; used: number }

interface Loaded {
  id: string; gpu: AcquiredDevice; model: GpuLlama; tokenizer: Tokenizer; template: ChatTemplate;
  steps: StepBatcher; sequences: Sequence[];
}

/** The most sequences a model may be loaded with. */
export const MAX_SEQUENCES = 16;

function commonPrefix(a: readonly number[], b: readonly number[]): number {
  let n = 0;
  while (n < a.length && n < b.length && a[n] === b[n]) n++;
  return n;
}

export class WebGpuEngine implements Engine {
  readonly kind = 'webgpu' as const;
  private loaded: Loaded | null = null;
  private lostError: DeviceLostError | null = null;
  private uses = 0;
  private adapter: { vendor: string; architecture: string } | undefined;
  private f16 = false;
  private faults: BroadcastChannel | null = null;

  async load(source: ModelSource, options: LoadOptions = {}, onProgress?: (p: LoadProgress) => void): Promise<ModelInfo> {
    if (source.kind === 'mlc' || source.kind === 'remote') throw new UnsupportedModelError('The WebGPU engine loads GGUF models only', { id: source.id });
    await this.unload();
    this.lostError = null;
    const report = (p: LoadProgress) => onProgress?.(p);
    let blob: Blob;
    if (source.kind === 'gguf-url') {
      report({ phase: 'download', loaded: 0, total: 0, fraction: 0 });
      blob = await fetchBlob(source.url, (loaded, total) =>
        report({ phase: 'download', loaded, total, fraction: total ? Math.min(loaded / total, 1) * 0.5 : 0 }));
    } else {
      blob = source.blobs.length === 1 ? source.blobs[0]! : new Blob(source.blobs);
    }
    if (blob.size === 0) throw new GgufError('Empty model file', { id: source.id });
    const header = await readGgufHeader(blob, {}, { keepNumericArrays: true });
    const cfg = llamaConfig(header);
    const tokenizer = new Tokenizer(header);
    const template = new ChatTemplate(
      typeof header.metadata['tokenizer.chat_template'] === 'string' ? header.metadata['tokenizer.chat_template'] : undefined,
      tokenizer.tokenText(tokenizer.bos), tokenizer.tokenText(tokenizer.eos));
    const nCtx = Math.max(16, Math.min(options.nCtx ?? 2048, cfg.nCtxTrain || 2048));
    const nSeq = Math.max(1, Math.min(MAX_SEQUENCES, Math.floor(options.sequences ?? 1)));
    const gpu = await acquireDevice();
    this.adapter = { vendor: gpu.adapter.vendor, architecture: gpu.adapter.architecture };
    this.f16 = gpu.f16;
    let model: GpuLlama;
    try {
      gpu.device.pushErrorScope('out-of-memory');
      gpu.device.pushErrorScope('validation');
      model = await GpuLlama.load(gpu.device, blob, header, cfg, nCtx, defaultVariant(gpu.adapter), nSeq, (loaded, total) =>
        report({ phase: 'load', loaded, total, fraction: 0.5 + 0.45 * (total ? loaded / total : 1) }));
      const validation = await gpu.device.popErrorScope();
      const oom = await gpu.device.popErrorScope();
      if (oom || validation) {
        model.destroy();
        throw new ModelLoadError(`WebGPU rejected the model: ${(oom ?? validation)!.message}`, { id: source.id, oom: oom !== null });
      }
    } catch (e) {
      gpu.device.destroy();
      if (e instanceof LlmOsError) throw e;
      throw new ModelLoadError(`Could not load ${source.id} on WebGPU: ${e instanceof Error ? e.message : String(e)}`, { id: source.id });
    }
    const loaded: Loaded = {
      id: source.id, gpu, model, tokenizer, template, steps: new StepBatcher(model, gpu.lost),
      sequences: Array.from({ length: nSeq }, () => ({ cached: [], busy: false, used: 0 })),
    };
    this.loaded = loaded;
    gpu.lost.catch((err: DeviceLostError) => this.onDeviceLost(loaded, err));
    this.listenForFaults();
    report({ phase: 'init', loaded: blob.size, total: blob.size, fraction: 1 });
    const hp = hyperParams(header);
    return {
      id: source.id,
      engine: 'webgpu',
      contextLength: nCtx,
      inputs: ['text'],
      weightBytes: model.weightBytes,
      kvBytes: model.kvBytes,
      metadata: {
        architecture: cfg.architecture, name: cfg.name, fileType: hp.fileType, backend: 'webgpu',
        gpuBytes: String(model.memory.bytes), sequences: String(nSeq),
      },
    };
  }

  /** Bytes this engine holds in GPUBuffers right now (weights, KV cache, activations, uniforms). */
  gpuBytes(): number {
    return this.loaded?.model.memory.bytes ?? 0;
  }

  /** @internal Test hook: the device in use, e.g. to `destroy()` it and check recovery. */
  gpuDevice(): GPUDevice | null {
    return this.loaded?.gpu.device ?? null;
  }

  private listenForFaults(): void {
    if (!import.meta.env.DEV || typeof BroadcastChannel === 'undefined' || this.faults) return;
    this.faults = new BroadcastChannel(FAULT_CHANNEL);
    this.faults.onmessage = (e: MessageEvent) => {
      if (e.data === DESTROY_DEVICE) this.loaded?.gpu.device.destroy();
    };
  }

  private onDeviceLost(which: Loaded, err: DeviceLostError): void {
    if (this.loaded !== which) return; // an old device, already unloaded on purpose
    this.lostError = new DeviceLostError(err.message, { ...err.details, modelId: which.id });
    this.loaded = null;
    which.model.destroy(); // a running generation fails at its next GPU wait with this error
  }

  async generate(request: GenerateRequest, onToken: (t: TokenEvent) => void, signal?: AbortSignal): Promise<GenerateResult> {
    validateRequest(request);
    const l = this.loaded;
    if (!l) throw this.lostError ?? new ModelNotLoadedError('No model is loaded', {});
    if (request.messages?.some((m) => m.images?.length)) {
      throw new UnsupportedInputError('The WebGPU engine runs text-only models: it takes no images', { input: 'image', modelId: l.id });
    }
    if (l.sequences.every((s) => s.busy)) {
      throw new EngineBusyError(`The WebGPU engine is already generating on all ${l.sequences.length} sequences`, { modelId: l.id, sequences: l.sequences.length });
    }
    const t0 = performance.now();
    let owned: { seq: number; sequence: Sequence } | null = null;
    try {
      const text = request.messages ? l.template.render(request.messages, request) : request.prompt ?? '';
      let prompt = l.tokenizer.encode(text, { addSpecial: true, parseSpecial: true });
      // A resumed run: the earlier output as the tokens it was (exact), else as its text re-tokenised.
      const resume = request.resume;
      if (resume?.ids?.some((id) => id >= l.tokenizer.vocabSize)) {
        throw new InvalidRequestError(`resume.ids holds a token id beyond the vocabulary (${l.tokenizer.vocabSize})`, { field: 'resume' });
      }
      if (resume) prompt = prompt.concat(resume.ids ?? l.tokenizer.encode(resume.text, { addSpecial: false, parseSpecial: false }));
      owned = this.claim(l, prompt);
      const { seq, sequence } = owned;
      const out = await runGeneration({ steps: l.steps, nCtx: l.model.nCtx, seq, tokenizer: l.tokenizer, cached: sequence.cached }, prompt, request,
        onToken, () => signal?.aborted === true);
      const usage = makeUsage(t0, out.tFirst, performance.now(), out.promptTokens, out.completionTokens, out.cachedTokens);
      return { text: out.text, stopReason: out.stopReason, usage };
    } catch (e) {
      throw await this.classify(e, l);
    } finally {
      if (owned) {
        owned.sequence.busy = false;
        l.steps.release(owned.seq);
      }
    }
  }

  /** A free sequence for `prompt` (see the class comment), with the longest cached prefix of it copied in. */
  private claim(l: Loaded, prompt: readonly number[]): { seq: number; sequence: Sequence } {
    const seqs = l.sequences.map((s, i) => ({ s, i, shared: commonPrefix(s.cached, prompt) }));
    const free = seqs.filter((x) => !x.s.busy);
    const pick = (xs: typeof free, better: (a: (typeof free)[number], b: (typeof free)[number]) => boolean) =>
      xs.reduce<(typeof free)[number] | undefined>((best, x) => (!best || better(x, best) ? x : best), undefined);
    const target = pick(free.filter((x) => x.s.cached.length > 0 && x.shared === x.s.cached.length), (a, b) => a.shared > b.shared)
      ?? pick(free.filter((x) => x.s.cached.length === 0), (a, b) => a.i < b.i)
      ?? pick(free, (a, b) => a.s.used < b.s.used);
    if (!target) throw new EngineBusyError(`The WebGPU engine is already generating on all ${l.sequences.length} sequences`, { modelId: l.id });
    const source = pick(seqs, (a, b) => a.shared > b.shared)!;
    // Positions 0…n-1 only: the last prompt token is always evaluated (its logits start the generation).
    const n = Math.min(source.shared, prompt.length - 1);
    if (source.i !== target.i && n > Math.min(target.shared, prompt.length - 1)) {
      l.model.copyPrefix(source.i, target.i, n);
      target.s.cached = source.s.cached.slice(0, n);
    }
    const sequence = target.s;
    sequence.busy = true;
    sequence.used = ++this.uses;
    return { seq: target.i, sequence };
  }

  /** @internal Steps the model has run, and how many were batched (tests, benchmarks). */
  stepCounters(): GpuLlama['counters'] {
    return { ...(this.loaded?.model.counters ?? { steps: 0, batchedSteps: 0, batchedTokens: 0, mixedSteps: 0 }) };
  }

  /** A failure during a GPU wait is a device loss when the device says so (it may say it a moment later). */
  private async classify(e: unknown, l: Loaded): Promise<LlmOsError> {
    if (e instanceof DeviceLostError) return this.lostError ?? e;
    if (e instanceof LlmOsError) return e;
    const lost = await Promise.race([l.gpu.lost.then(() => false, () => true), new Promise<boolean>((r) => setTimeout(() => r(false), 1000))]);
    if (lost || l.gpu.isLost()) {
      return this.lostError ?? new DeviceLostError('The GPU device was lost during generation', { modelId: l.id });
    }
    return toLlmOsError(e, GenerationError, { modelId: l.id, engine: 'webgpu' });
  }

  async unload(): Promise<void> {
    const l = this.loaded;
    this.loaded = null;
    this.faults?.close();
    this.faults = null;
    if (l) {
      l.model.destroy();
      l.gpu.device.destroy();
    }
  }

  capabilities(): EngineCapabilities {
    return {
      engine: 'webgpu',
      backend: this.loaded ? 'webgpu' : 'none',
      f16: this.f16,
      threads: 1,
      multithread: false,
      crossOriginIsolated: globalThis.crossOriginIsolated === true,
      adapter: this.adapter,
    };
  }

  loadedModel(): string | null {
    return this.loaded?.id ?? null;
  }
}
