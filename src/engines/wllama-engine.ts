/**
 * `WllamaEngine`: GGUF models through @wllama/wllama (llama.cpp in wasm). CPU with an explicit thread
 * count, WebGPU only where the adapter has `shader-f16` (wllama falls back to CPU silently otherwise,
 * see docs/architecture.md, "Measured on these machines"), and the backend it reports is read from llama.cpp's own load log.
 * Worker-side only: the page bundle never imports this module.
 */
import { Wllama, WllamaAbortError, WllamaError, type LoadModelParams } from '@wllama/wllama';
import wasmUrl from '@wllama/wllama/esm/wasm/wllama.wasm?url';
import {
  GenerationError, GgufError, InvalidRequestError, LlmOsError, ModelLoadError, ModelNotLoadedError, UnsupportedInputError, UnsupportedModelError,
} from '../errors';
import { hyperParams, readGgufHeader } from '../models/gguf-header';
import { estimateKvBytes } from '../models/cost';
import {
  makeUsage,
  type ChatMessage, type Engine, type EngineCapabilities, type GenerateRequest, type GenerateResult,
  type InputModality, type LoadOptions, type LoadProgress, type ModelInfo, type ModelSource, type StopReason, type TokenEvent,
  type TokenLogprob, type TokenLogprobs,
} from '../protocol/engine';
import { imageForModel } from '../protocol/image-input';
import { fetchBlob } from './fetch-blob';
import { probeGpu } from './gpu-probe';
import { validateRequest } from '../protocol/validate-request';
import { constraintGrammar } from './constraint-compile';
import { parseTemplate, renderChatTemplate } from './template-render';
import { templateToolStyle, toolConversation, usesTools, type ToolStyle } from '../constraints/tool-calls';

/** llama.cpp's log probability of one token (`logprob` is null where the probability underflowed to 0). */
interface LlamaLogprob { token: string; logprob: number | null; bytes?: number[] | null }

interface StreamChunk {
  choices?: {
    text?: string; delta?: { content?: string | null }; finish_reason?: string | null;
    /** With `n_probs`: the tokens of this chunk, each with its `n_probs` most likely alternatives. */
    logprobs?: { content?: (LlamaLogprob & { top_logprobs?: LlamaLogprob[] })[] | null } | null;
  }[];
  usage?: { prompt_tokens: number; completion_tokens: number; prompt_tokens_details?: { cached_tokens?: number } } | null;
  timings?: { prompt_n: number; predicted_n: number; cache_n?: number };
}

export class WllamaEngine implements Engine {
  readonly kind = 'wllama' as const;
  private wllama: Wllama | null = null;
  private modelId: string | null = null;
  private backend: 'webgpu' | 'wasm' | 'none' = 'none';
  private threads = 0;
  private multithread = false;
  private f16 = false;
  private adapter: { vendor: string; architecture: string } | undefined;
  /** Completions in progress (wllama runs several at once): a poisoned instance is replaced only when idle. */
  private active = 0;
  private logLines: string[] = [];
  /** What the current model was loaded from, to reload it after an engine-side failure. */
  private loaded: { blobs: Blob[]; params: LoadModelParams; bos: string; eos: string; inputs: InputModality[] } | null = null;
  /** llama.cpp's glue can be left unusable by a failed request (measured): reload before the next one. */
  private poisoned = false;

  async load(source: ModelSource, options: LoadOptions = {}, onProgress?: (p: LoadProgress) => void): Promise<ModelInfo> {
    if (source.kind === 'mlc' || source.kind === 'remote') throw new UnsupportedModelError('WllamaEngine loads GGUF models only', { id: source.id });
    await this.unload();
    const report = (p: LoadProgress) => onProgress?.(p);
    let blobs: Blob[];
    let projector: Blob | null = null;
    if (source.kind === 'gguf-url') {
      report({ phase: 'download', loaded: 0, total: 0, fraction: 0 });
      const share = source.projectorUrl ? 0.6 : 0.9;
      const blob = await fetchBlob(source.url, (loaded, total) =>
        report({ phase: 'download', loaded, total, fraction: total ? Math.min(loaded / total, 1) * share : 0 }));
      blobs = [blob];
      if (source.projectorUrl) {
        projector = await fetchBlob(source.projectorUrl, (loaded, total) =>
          report({ phase: 'download', loaded, total, fraction: share + (total ? Math.min(loaded / total, 1) * 0.3 : 0) }));
      }
    } else {
      blobs = source.blobs;
      if (source.projector) {
        if (source.projector.length === 0 || source.projector.some((b) => b.size === 0)) throw new GgufError('Empty vision projector file', { id: source.id });
        projector = source.projector.length === 1 ? source.projector[0]! : new Blob(source.projector);
      }
    }
    if (blobs.length === 0 || blobs.some((b) => b.size === 0)) throw new GgufError('Empty model file', { id: source.id });
    // Validate before llama.cpp sees the bytes: a bad header must be a typed error, not a wasm abort.
    // A multi-blob source is one file in chunks (model store) unless the first chunk says otherwise.
    const whole = blobs.length === 1 ? blobs[0]! : new Blob(blobs);
    const header = await readGgufHeader(whole);
    const hp = hyperParams(header);
    if (hp.architecture !== 'llama' && hp.blockCount === 0) {
      throw new UnsupportedModelError(`Unsupported architecture ${hp.architecture}`, { id: source.id, architecture: hp.architecture });
    }
    if (projector) await checkProjector(projector, source.id);
    report({ phase: 'load', loaded: 0, total: whole.size, fraction: 0.9 });

    const gpu = await probeGpu();
    this.f16 = gpu.f16;
    this.adapter = gpu.available ? { vendor: gpu.vendor, architecture: gpu.architecture } : undefined;
    const wantGpu = options.backend !== 'wasm' && gpu.available && gpu.f16;
    const nThreads = options.nThreads ?? Math.max(1, globalThis.navigator?.hardwareConcurrency ?? 1);
    const nCtx = Math.min(options.nCtx ?? 2048, hp.contextLength || 2048);
    // One llama.cpp sequence per job decoding in the batch (and per conversation kept for reuse), each with
    // a whole context of its own: a split (not unified) KV cache of nCtx × sequences cells, so one long
    // conversation cannot push the others' history out (measured: two conversations alternating on one
    // shared 2,048-token cache lost their prefix reuse from turn 7).
    const sequences = Math.max(1, Math.min(16, Math.floor(options.sequences ?? 1)));
    const params: LoadModelParams = {
      n_ctx: nCtx * sequences,
      n_threads: nThreads,
      n_gpu_layers: wantGpu ? 999 : 0,
      n_parallel: sequences,
      kv_unified: false,
      ...(options.seed !== undefined ? { seed: options.seed } : {}),
    };
    const files = projector ? [whole, projector] : [whole];
    const wllama = await this.startWllama(files, params, source.id);
    this.wllama = wllama;
    const inputs: InputModality[] = wllama.supportInputModality('image') ? ['text', 'image'] : ['text'];
    if (projector && !inputs.includes('image')) {
      await this.unload();
      throw new ModelLoadError(`llama.cpp did not accept the vision projector of ${source.id}`, { id: source.id, log: this.logLines.slice(-5) });
    }
    const tokens = header.metadata['tokenizer.ggml.tokens'];
    const tokenText = (key: string) => {
      const id = header.metadata[key];
      return Array.isArray(tokens) && typeof id === 'number' ? String(tokens[id] ?? '') : '';
    };
    this.loaded = { blobs: files, params, bos: tokenText('tokenizer.ggml.bos_token_id'), eos: tokenText('tokenizer.ggml.eos_token_id'), inputs };
    this.poisoned = false;
    this.modelId = source.id;
    this.threads = wllama.getNumThreads();
    this.multithread = wllama.isMultithread();
    this.backend = this.detectBackend();
    report({ phase: 'init', loaded: whole.size, total: whole.size, fraction: 1 });
    return {
      id: source.id,
      engine: 'wllama',
      contextLength: nCtx,
      inputs,
      weightBytes: header.dataBytes + (projector?.size ?? 0),
      kvBytes: estimateKvBytes(hp, nCtx) * sequences,
      metadata: { architecture: hp.architecture, name: hp.name, fileType: hp.fileType, backend: this.backend },
    };
  }

  private async startWllama(files: Blob[], params: LoadModelParams, id: string): Promise<Wllama> {
    this.logLines = [];
    const capture = (...args: unknown[]) => { this.logLines.push(args.map(String).join(' ')); };
    const logger = { debug: capture, log: capture, warn: capture, error: capture };
    const wllama = new Wllama({ default: wasmUrl }, { logger });
    try {
      await wllama.loadModel(files, params);
      return wllama;
    } catch (e) {
      await wllama.exit().catch(() => undefined);
      throw new ModelLoadError(`llama.cpp could not load ${id}: ${e instanceof Error ? e.message : String(e)}`, {
        id, log: this.logLines.slice(-5),
      });
    }
  }

  /**
   * Render the model's chat template ourselves, within the render limits (`template-render.ts`), with the
   * request's tools in the template's own format or the generic one (`constraints/tool-calls.ts`). Needed
   * for tools and for constrained chat: wllama 3.13's chat path fails any grammar or JSON schema with "Failed to
   * initialize samplers" (measured), while the raw completion path applies them correctly.
   */
  private renderChat(request: GenerateRequest & { messages: ChatMessage[] }, style: ToolStyle): string {
    const tpl = this.wllama?.getChatTemplate();
    if (!tpl) throw new GenerationError('This model has no chat template: send a raw prompt instead', { modelId: this.modelId });
    const { bos = '', eos = '' } = this.loaded ?? {};
    let template;
    try {
      template = parseTemplate(tpl);
    } catch (e) {
      throw new GenerationError(`The chat template of ${this.modelId} does not parse: ${e instanceof Error ? e.message : String(e)}`, { modelId: this.modelId });
    }
    const conv = toolConversation(request.messages, request.tools, style, request.toolChoice, request.parallelToolCalls);
    const text = renderChatTemplate(template, conv.messages, bos, eos, conv.tools);
    // llama.cpp adds BOS itself when it tokenizes the prompt: do not send it twice.
    return bos && text.startsWith(bos) ? text.slice(bos.length) : text;
  }

  /** llama.cpp logs `<BACKEND> model buffer size`: any non-CPU buffer means layers really went to the GPU. */
  private detectBackend(): 'webgpu' | 'wasm' {
    const buffers = this.logLines.flatMap((l) => [...l.matchAll(/(\S+) model buffer size/g)].map((m) => m[1]!));
    return buffers.some((b) => !/^CPU/i.test(b)) ? 'webgpu' : 'wasm';
  }

  async generate(request: GenerateRequest, onToken: (t: TokenEvent) => void, signal?: AbortSignal): Promise<GenerateResult> {
    if (!this.wllama || !this.loaded) throw new ModelNotLoadedError('No model is loaded', {});
    validateRequest(request);
    if (this.poisoned && this.active === 0) {
      const old = this.wllama;
      this.wllama = null;
      await old.exit().catch(() => undefined);
      this.wllama = await this.startWllama(this.loaded.blobs, this.loaded.params, this.modelId ?? 'model');
      this.poisoned = false;
    }
    // Compiled here, in the worker (never on the page), within the constraint limits.
    // A request with tools is rendered by our template code too (their prompt and the calls' grammar).
    const tools = usesTools(request) && request.messages !== undefined;
    const style = tools ? templateToolStyle(this.wllama.getChatTemplate()) : 'generic';
    const grammar = constraintGrammar(request, style);
    const constrained = grammar !== undefined || tools;
    // llama.cpp's grammar starts at the first generated token: it cannot pick up mid-output (the kernel
    // resumes constrained jobs by replay instead).
    if (request.resume && constrained) {
      throw new InvalidRequestError('A constrained request cannot be resumed from its output on wllama: replay it', { field: 'resume', engine: 'wllama' });
    }
    const withImages = request.messages?.some((m) => m.images?.length) ?? false;
    if (withImages && !this.loaded.inputs.includes('image')) {
      throw new UnsupportedInputError(`Model ${this.modelId} does not accept images (it has no vision projector)`, { input: 'image', modelId: this.modelId });
    }
    if (withImages && constrained) {
      // wllama's chat path (the only one that takes images) fails every grammar (see renderChat).
      throw new UnsupportedInputError('Images cannot be combined with a JSON schema or grammar on the wllama engine', { input: 'image+grammar', modelId: this.modelId });
    }
    // Decoded and re-encoded before anything starts: a bad image is a typed error, never a wasm abort.
    const chatMessages = withImages ? await wllamaMessages(request.messages!) : request.messages;
    // Constrained chat goes through the raw completion path with our own (bounded) template render,
    // done before the run starts: a template error is the request's, and leaves llama.cpp untouched.
    const prompt = !constrained ? undefined : request.messages ? this.renderChat({ ...request, messages: request.messages }, style) : request.prompt ?? '';
    const wllama = this.wllama;
    signal?.throwIfAborted();
    const ctrl = new AbortController();
    const onAbort = () => ctrl.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    this.active++;
    const t0 = performance.now();
    let tFirst: number | null = null;
    let text = '';
    let index = 0;
    let promptTokens = 0;
    let cachedTokens = 0;
    let completionTokens = 0;
    let finish: string | null = null;
    // Log probabilities of tokens whose text llama.cpp has not sent yet (they go with the next text).
    let pendingLogprobs: TokenLogprobs[] = [];
    const logMark = this.logLines.length;
    const onData = (chunk: StreamChunk) => {
      if (ctrl.signal.aborted) return; // nothing is reported after an abort
      const choice = chunk.choices?.[0];
      const piece = choice?.text ?? choice?.delta?.content ?? '';
      if (request.logprobs !== undefined && choice?.logprobs?.content?.length) {
        pendingLogprobs.push(...choice.logprobs.content.map((c) => llamaLogprobs(c, request.logprobs!)));
      }
      if (chunk.timings) {
        // `prompt_n` counts only the tokens evaluated now; `cache_n` those reused from the slot's prompt cache.
        promptTokens = chunk.timings.prompt_n + (chunk.timings.cache_n ?? 0);
        cachedTokens = chunk.timings.cache_n ?? 0;
        completionTokens = chunk.timings.predicted_n;
      }
      if (chunk.usage) {
        promptTokens = chunk.usage.prompt_tokens;
        cachedTokens = chunk.usage.prompt_tokens_details?.cached_tokens ?? cachedTokens;
        completionTokens = chunk.usage.completion_tokens;
      }
      if (choice?.finish_reason) finish = choice.finish_reason;
      if (!piece) return;
      tFirst ??= performance.now();
      text += piece;
      if (request.logprobs === undefined) {
        onToken({ text: piece, index: index++ });
      } else {
        const logprobs = pendingLogprobs;
        pendingLogprobs = [];
        onToken({ text: piece, index: index++, logprobs });
      }
    };
    const common = {
      stream: true as const,
      // No limit: llama.cpp generates until the end of the text or a full context (n_predict -1).
      ...(request.maxTokens !== undefined ? { max_tokens: request.maxTokens + (request.replayTokens ?? 0) } : {}),
      temperature: request.temperature ?? 0,
      ...(request.topK !== undefined ? { top_k: request.topK } : {}),
      ...(request.topP !== undefined ? { top_p: request.topP } : {}),
      ...(request.presencePenalty ? { presence_penalty: request.presencePenalty } : {}),
      ...(request.frequencyPenalty ? { frequency_penalty: request.frequencyPenalty } : {}),
      ...(request.seed !== undefined ? { seed: request.seed } : {}),
      ...(request.stop?.length ? { stop: request.stop } : {}),
      ...(grammar ? { grammar } : {}),
      ...(request.ignoreEos ? { ignore_eos: true } : {}),
      ...(request.logitBias ? { logit_bias: Object.entries(request.logitBias).map(([t, b]) => [Number(t), b]) } : {}),
      // llama.cpp lists `n_probs` alternatives; the chosen token's own probability needs at least one.
      ...(request.logprobs !== undefined ? { n_probs: Math.max(1, request.logprobs) } : {}),
      timings_per_token: true,
      abortSignal: ctrl.signal,
      onData,
    };
    let stopReason: StopReason;
    try {
      // A resumed run prefills its earlier output after the prompt: on the chat path as a final, partial
      // assistant message, which llama.cpp's server continues (`prefill_assistant`, on by default).
      const resumed = request.resume?.text ?? '';
      if (chatMessages && !constrained) {
        const messages = resumed ? [...chatMessages, { role: 'assistant', content: resumed }] : chatMessages;
        await wllama.createChatCompletion({ ...common, messages } as never);
      } else {
        await wllama.createCompletion({ ...common, prompt: (prompt ?? request.prompt ?? '') + resumed } as never);
      }
      stopReason = ctrl.signal.aborted ? 'abort' : finish === 'length' ? 'length' : 'stop';
    } catch (e) {
      if (e instanceof WllamaAbortError || ctrl.signal.aborted) {
        stopReason = 'abort';
      } else if (e instanceof LlmOsError) {
        throw e;
      } else {
        this.poisoned = true;
        const msg = e instanceof Error ? e.message : String(e);
        // llama.cpp (in wllama 3.13) fails a whole request when it has to write a token that is not valid
        // UTF-8 on its own (a byte token) into its JSON: in the text of the raw completion path, or among
        // the alternatives of the log probabilities on both paths (measured). Say so.
        if (this.logLines.slice(logMark).some((l) => l.includes('type_error.316'))) {
          throw new GenerationError(
            `Generation failed: llama.cpp could not report a token that is not valid UTF-8 on its own${
              request.logprobs !== undefined ? ' (a byte token among the log probabilities: ask for fewer alternatives, or none)' : ''}`,
            { modelId: this.modelId, engine: 'wllama', reason: 'invalid-utf8-token', ...(request.logprobs !== undefined ? { logprobs: request.logprobs } : {}) },
          );
        }
        throw new GenerationError(`Generation failed: ${msg}`, {
          modelId: this.modelId, engine: 'wllama', wllamaType: e instanceof WllamaError ? e.type : undefined,
        });
      }
    } finally {
      signal?.removeEventListener('abort', onAbort);
      this.active--;
    }
    return { text, stopReason, usage: makeUsage(t0, tFirst, performance.now(), promptTokens, completionTokens || index, cachedTokens) };
  }

  async unload(): Promise<void> {
    const w = this.wllama;
    this.wllama = null;
    this.loaded = null;
    this.modelId = null;
    this.backend = 'none';
    if (w) await w.exit().catch(() => undefined);
  }

  capabilities(): EngineCapabilities {
    return {
      engine: 'wllama',
      backend: this.backend,
      f16: this.f16,
      threads: this.threads,
      multithread: this.multithread,
      crossOriginIsolated: globalThis.crossOriginIsolated === true,
      adapter: this.adapter,
    };
  }

  loadedModel(): string | null {
    return this.wllama ? this.modelId : null;
  }
}

/** llama.cpp's log probabilities of a token as ours, with `k` alternatives (it was asked for at least one). */
function llamaLogprobs(c: LlamaLogprob & { top_logprobs?: LlamaLogprob[] }, k: number): TokenLogprobs {
  const one = (p: LlamaLogprob): TokenLogprob => ({
    token: p.token,
    // JSON has no -Infinity: llama.cpp writes null for a probability of 0.
    logprob: typeof p.logprob === 'number' && Number.isFinite(p.logprob) ? Math.min(0, p.logprob) : -9999,
    bytes: Array.isArray(p.bytes) ? p.bytes : null,
  });
  return { ...one(c), top: (c.top_logprobs ?? []).slice(0, k).map(one) };
}

/** A vision projector must be a GGUF whose architecture is `clip` (llama.cpp's mmproj layout). */
async function checkProjector(blob: Blob, id: string): Promise<void> {
  const header = await readGgufHeader(blob);
  const arch = header.metadata['general.architecture'];
  if (arch !== 'clip') {
    throw new GgufError(`The vision projector of ${id} is not an mmproj GGUF (architecture ${String(arch)}, expected clip)`, { id, architecture: String(arch) });
  }
}

/** Our messages as wllama's: each image (re-encoded as PNG) as an `image` part before the text. */
async function wllamaMessages(messages: ChatMessage[]): Promise<unknown[]> {
  return Promise.all(messages.map(async (m, i) => {
    if (!m.images?.length) return { role: m.role, content: m.content };
    const images = await Promise.all(m.images.map((url, j) => imageForModel(url, `messages[${i}].images[${j}]`)));
    return {
      role: m.role,
      content: [...images.map((img) => ({ type: 'image', data: img.bytes })), { type: 'text', text: m.content }],
    };
  }));
}
