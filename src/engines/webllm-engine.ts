/**
 * `WebLLMEngine`: MLC models through @mlc-ai/web-llm, on WebGPU only. It runs inside our engine worker
 * (the worker is the boundary), so it drives web-llm's in-thread `MLCEngine` directly.
 *
 * Before anything is fetched it refuses what cannot run: an unknown id (`UnknownModelError`), no WebGPU
 * adapter (`WebGpuUnavailableError`), an f16 model on an adapter without `shader-f16`
 * (`DeviceUnsupportedError`; every `q*f16*` model needs it, declared or not). It then downloads the
 * model into web-llm's IndexedDB cache itself (`prefetchModel`: byte progress, resume, URL-naming
 * errors) and lets `reload()` load from that cache; web-llm's failures become typed errors naming the
 * model and the URL (`classifyLoadError`). Worker-side only: the page never imports this module.
 */
import {
  MLCEngine, deleteModelWasmInCache, type ChatCompletionChunk, type ChatCompletionTokenLogprob, type Completion, type InitProgressReport,
  type MLCEngineConfig,
} from '@mlc-ai/web-llm';
import {
  AbortError, DeviceUnsupportedError, InvalidRequestError, ModelLibraryError, ModelNotLoadedError, UnsupportedModelError,
  UnsupportedInputError, WebGpuUnavailableError,
} from '../errors';
import { needsShaderF16 } from '../models/webllm-catalog';
import type {
  Engine, EngineCapabilities, GenerateRequest, GenerateResult, InputModality, LoadOptions, LoadProgress, ModelInfo, ModelSource,
  StopReason, TokenEvent, TokenLogprobs,
} from '../protocol/engine';
import { probeGpu } from './gpu-probe';
import { validateRequest } from '../protocol/validate-request';
import { resolveWebLLMModel } from './webllm-app-config';
import { deleteCachedModel, hasCachedModel, prefetchModel, type PrefetchResult } from './webllm-prefetch';
import { classifyGenerateError, classifyLoadError, withFetchLog, type LoadContext } from './webllm-errors';
import { responseFormat, webllmChat, webllmLogprobs, webllmRequestParams, webllmUsage } from './webllm-request';

export { deleteCachedModel, hasCachedModel } from './webllm-prefetch';

/** Share of the progress bar given to downloading; the rest is loading onto the GPU. */
const DOWNLOAD_SHARE = 0.9;

export class WebLLMEngine implements Engine {
  readonly kind = 'webllm' as const;
  private mlc: MLCEngine | null = null;
  private modelId: string | null = null;
  private inputs: InputModality[] = ['text'];
  private backend: 'webgpu' | 'none' = 'none';
  private f16 = false;
  private adapter: { vendor: string; architecture: string } | undefined;
  private loading: AbortController | null = null;

  async load(source: ModelSource, options: LoadOptions = {}, onProgress?: (p: LoadProgress) => void): Promise<ModelInfo> {
    if (source.kind !== 'mlc') throw new UnsupportedModelError('WebLLMEngine loads MLC (WebLLM) models only', { id: source.id });
    await this.unload();
    // Every refusal below happens before any request.
    const model = resolveWebLLMModel(source.id, source.record);
    const { record, libUrl, baseUrl } = model;
    const modelId = record.model_id;
    if (options.backend === 'wasm') throw new InvalidRequestError('WebLLM runs on WebGPU only', { modelId, backend: 'wasm' });
    const gpu = await probeGpu();
    this.f16 = gpu.f16;
    this.adapter = gpu.available ? { vendor: gpu.vendor, architecture: gpu.architecture } : undefined;
    if (!gpu.available) throw new WebGpuUnavailableError(`WebLLM needs WebGPU, and no adapter is available to load ${modelId}`, { modelId });
    const adapter = `${gpu.vendor || '?'}/${gpu.architecture || '?'}`;
    if (needsShaderF16(record) && !gpu.f16) {
      throw new DeviceUnsupportedError(`${modelId} needs the WebGPU feature shader-f16, which this adapter (${adapter}) lacks`, {
        modelId, feature: 'shader-f16', adapter,
      });
    }
    const bufferNeed = record.buffer_size_required_bytes ?? 0;
    if (bufferNeed > gpu.maxStorageBufferBindingSize) {
      throw new DeviceUnsupportedError(`${modelId} needs storage buffers of ${bufferNeed} bytes; this adapter allows ${gpu.maxStorageBufferBindingSize}`, {
        modelId, feature: 'maxStorageBufferBindingSize', needed: bufferNeed, available: gpu.maxStorageBufferBindingSize, adapter,
      });
    }

    const ctrl = new AbortController();
    this.loading = ctrl;
    let last = 0;
    const report = (p: LoadProgress) => {
      last = Math.max(last, Math.min(1, p.fraction));
      onProgress?.({ ...p, fraction: last });
    };
    let weightBytes = 0;
    const fromWebLLM = (r: InitProgressReport) => {
      const bytes = Math.round(r.progress * weightBytes);
      if (/^Fetching param/i.test(r.text)) report({ phase: 'download', loaded: bytes, total: weightBytes, fraction: DOWNLOAD_SHARE * r.progress, text: r.text });
      else if (/^Loading model from cache/i.test(r.text)) report({ phase: 'load', loaded: bytes, total: weightBytes, fraction: DOWNLOAD_SHARE + (1 - DOWNLOAD_SHARE) * r.progress, text: r.text });
      else report({ phase: 'load', loaded: bytes, total: weightBytes, fraction: last, text: r.text });
    };
    const ctx: LoadContext = { modelId, libUrl, baseUrl, log: [] };
    let mlc: MLCEngine | null = null;
    report({ phase: 'download', loaded: 0, total: 0, fraction: 0 });
    try {
      let prefetched: PrefetchResult | null = null;
      // Models described by a package manifest name their files there: web-llm downloads those itself.
      if (record.model_manifest === undefined) {
        prefetched = await prefetchModel(model, ctrl.signal, (loaded, total) =>
          report({ phase: 'download', loaded, total, fraction: total ? (DOWNLOAD_SHARE * loaded) / total : 0 }));
        weightBytes = prefetched.weightBytes;
      }
      if (ctrl.signal.aborted) throw new AbortError('WebLLM load aborted', { modelId });
      const engine = this.createMLCEngine({ appConfig: model.appConfig, logLevel: 'ERROR', initProgressCallback: fromWebLLM });
      mlc = engine;
      this.mlc = engine; // so that unload() can abort the reload
      const chatOpts = options.nCtx ? { context_window_size: options.nCtx } : undefined;
      await withFetchLog((log) => {
        ctx.log = log;
        return engine.reload(modelId, chatOpts);
      });
      // web-llm's reload() returns normally when unload() aborted it.
      if (ctrl.signal.aborted || this.mlc !== engine) throw new AbortError('WebLLM load aborted', { modelId });
      this.modelId = modelId;
      // web-llm's ModelType.VLM (2): the model takes images as `image_url` parts.
      this.inputs = record.model_type === 2 ? ['text', 'image'] : ['text'];
      this.backend = 'webgpu'; // web-llm has no other backend: a finished reload ran on WebGPU.
      report({ phase: 'init', loaded: weightBytes, total: weightBytes, fraction: 1 });
      const chatConfig = prefetched?.chatConfig ?? {};
      const contextLength = options.nCtx ?? Number(record.overrides?.context_window_size ?? chatConfig.context_window_size ?? 0);
      const vramBytes = (record.vram_required_MB ?? 0) * 1024 * 1024;
      return {
        id: modelId,
        engine: 'webllm',
        contextLength,
        inputs: this.inputs,
        weightBytes,
        // web-llm allocates the KV cache up front; its VRAM estimate minus the weights approximates it.
        kvBytes: Math.max(0, Math.round(vramBytes - weightBytes)),
        metadata: {
          backend: 'webgpu', modelLib: libUrl, quantization: String(chatConfig.quantization ?? ''), modelType: String(chatConfig.model_type ?? ''),
        },
      };
    } catch (e) {
      const err = classifyLoadError(e, ctx);
      if (this.mlc === mlc) this.mlc = null;
      await mlc?.unload().catch(() => undefined);
      // An invalid library was cached by web-llm: drop it so a fixed one is fetched next time.
      if (err instanceof ModelLibraryError && err.details.reason === 'invalid') await deleteModelWasmInCache(modelId, model.appConfig).catch(() => undefined);
      throw err;
    } finally {
      if (this.loading === ctrl) this.loading = null;
    }
  }

  async generate(request: GenerateRequest, onToken: (t: TokenEvent) => void, signal?: AbortSignal): Promise<GenerateResult> {
    const mlc = this.mlc;
    if (!mlc || !this.modelId) throw new ModelNotLoadedError('No WebLLM model is loaded', {});
    validateRequest(request);
    if (request.messages?.some((m) => m.images?.length) && !this.inputs.includes('image')) {
      throw new UnsupportedInputError(`Model ${this.modelId} does not accept images (not a WebLLM vision model)`, { input: 'image', modelId: this.modelId });
    }
    // web-llm's chat API cannot prefill a partial assistant turn, and its grammar starts at the first new
    // token: the kernel resumes those requests by replay.
    if (request.resume && (request.messages || responseFormat(request).response_format)) {
      throw new InvalidRequestError('WebLLM resumes only unconstrained raw prompts from their output: replay this request', { field: 'resume', engine: 'webllm' });
    }
    // Already aborted: nothing is sent to web-llm.
    signal?.throwIfAborted();
    let aborted = false;
    // web-llm stops between decode steps once interrupted (finish_reason "abort").
    const onAbort = () => {
      aborted = true;
      void mlc.interruptGenerate();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    const t0 = performance.now();
    let tFirst: number | null = null;
    let text = '';
    let index = 0;
    let finish: string | null = null;
    let usage: ChatCompletionChunk['usage'] | undefined;
    const pendingLogprobs: TokenLogprobs[] = [];
    try {
      const common = webllmRequestParams(request);
      const stream: AsyncIterable<ChatCompletionChunk | Completion> = request.messages
        ? await mlc.chat.completions.create({ ...common, messages: webllmChat({ ...request, messages: request.messages }) })
        : await mlc.completions.create({ ...common, prompt: (request.prompt ?? '') + (request.resume?.text ?? '') });
      for await (const chunk of stream) {
        if (chunk.usage) usage = chunk.usage;
        const choice = chunk.choices[0];
        if (choice?.finish_reason) finish = choice.finish_reason;
        if (aborted) {
          void mlc.interruptGenerate(); // web-llm clears the flag when a request starts: repeat it
          continue; // nothing is reported after an abort
        }
        const piece = (choice && 'delta' in choice ? choice.delta.content : choice && 'text' in choice ? choice.text : '') ?? '';
        if (request.logprobs !== undefined) {
          // web-llm puts the chunk's last token on it, as OpenAI's `{content: [...]}` (chat and raw prompts alike).
          const lp = (choice as { logprobs?: { content?: ChatCompletionTokenLogprob[] | null } | null } | undefined)?.logprobs;
          pendingLogprobs.push(...webllmLogprobs(lp?.content, request.logprobs));
        }
        if (!piece) continue;
        tFirst ??= performance.now();
        text += piece;
        try {
          if (request.logprobs === undefined) onToken({ text: piece, index: index++ });
          else onToken({ text: piece, index: index++, logprobs: pendingLogprobs.splice(0) });
        } catch (e) {
          void mlc.interruptGenerate(); // the caller refused the token (a diverged replay): stop decoding
          throw e;
        }
      }
    } catch (e) {
      throw classifyGenerateError(e, this.modelId);
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
    const stopReason: StopReason = aborted || finish === 'abort' ? 'abort' : finish === 'length' ? 'length' : 'stop';
    return { text, stopReason, usage: webllmUsage(usage, t0, tFirst, index) };
  }

  /** Seam for tests: build web-llm's in-thread engine. */
  protected createMLCEngine(config: MLCEngineConfig): MLCEngine {
    return new MLCEngine(config);
  }

  async unload(): Promise<void> {
    this.loading?.abort();
    const mlc = this.mlc;
    this.mlc = null;
    this.modelId = null;
    this.backend = 'none';
    if (!mlc) return;
    // EngineHost has already aborted the generations and let them end (see `Engine.unload`).
    await mlc.interruptGenerate();
    await mlc.unload().catch(() => undefined);
  }

  /** Whether WebLLM's cache holds all weights of `source` (for the model library). */
  hasCached(source: ModelSource): Promise<boolean> {
    if (source.kind !== 'mlc') return Promise.resolve(false);
    return hasCachedModel(source.id, source.record);
  }

  /** Delete `source` from WebLLM's cache (weights, tokenizer, config, library). */
  deleteCached(source: ModelSource): Promise<void> {
    if (source.kind !== 'mlc') return Promise.reject(new UnsupportedModelError('WebLLM caches MLC models only', { id: source.id }));
    return deleteCachedModel(source.id, source.record);
  }

  capabilities(): EngineCapabilities {
    return {
      engine: 'webllm',
      backend: this.backend,
      f16: this.f16,
      threads: this.backend === 'none' ? 0 : 1,
      multithread: false,
      crossOriginIsolated: globalThis.crossOriginIsolated === true,
      adapter: this.adapter,
    };
  }

  loadedModel(): string | null {
    return this.mlc !== null ? this.modelId : null;
  }
}
