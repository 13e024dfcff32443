/**
 * TEST DOUBLE — `SimEngine`, a deterministic simulated engine for scheduler policy tests and the budget
 * benchmark. It implements the kernel's `SlotEngine` on a `SimClock`: loads take time proportional to
 * size, tokens come at a fixed simulated rate, token text is a pure function of (model, prompt, index),
 * and it honours `interrupt()`, abort signals, resume (`resume`: one prefill of prompt + earlier output,
 * then the tokens that follow) and replay (`replayPrefix`/`replayTokens`, re-decoded at full cost and
 * checked for divergence) as the real engines do. A shared `SimDevice` charges each
 * load against fixed budgets and records any moment residency exceeded them — independently of the
 * kernel's own bookkeeping. Never used outside tests and benchmarks.
 */
import { AbortError, GenerationError, ModelLoadError, ReplayDivergedError, WorkerCrashedError, type LlmOsError } from '../../errors';
import type {
  EngineKind, GenerateRequest, GenerateResult, LoadOptions, LoadProgress, ModelInfo, ModelSource, TokenEvent, TokenLogprob, TokenLogprobs,
} from '../../protocol/engine';
import type { SlotEngine } from '../types';
import type { SimClock } from './sim-clock';

/** How a simulated model behaves. */
export interface SimModelSpec {
  vramBytes: number;
  ramBytes: number;
  msPerToken?: number;
  loadMs?: number;
}

/** The simulated device: budgets, residency, and a record of violations. */
export class SimDevice {
  readonly resident = new Map<SimEngine, string>();
  vramUsed = 0;
  ramUsed = 0;
  peakVram = 0;
  peakRam = 0;
  loads = 0;
  unloads = 0;
  readonly violations: string[] = [];

  constructor(public vramBudget: number, public ramBudget: number, readonly specs: Map<string, SimModelSpec>) {}

  spec(model: string): SimModelSpec {
    const s = this.specs.get(model);
    if (!s) throw new ModelLoadError(`SimDevice has no model ${model}`, { model });
    return s;
  }

  alloc(engine: SimEngine, model: string, at: number): void {
    const s = this.spec(model);
    this.resident.set(engine, model);
    this.vramUsed += s.vramBytes;
    this.ramUsed += s.ramBytes;
    this.loads++;
    this.peakVram = Math.max(this.peakVram, this.vramUsed);
    this.peakRam = Math.max(this.peakRam, this.ramUsed);
    if (this.vramUsed > this.vramBudget || this.ramUsed > this.ramBudget) {
      this.violations.push(`t=${at}: ${model} loaded → vram ${this.vramUsed}/${this.vramBudget}, ram ${this.ramUsed}/${this.ramBudget}`);
    }
  }

  free(engine: SimEngine): void {
    const model = this.resident.get(engine);
    if (model === undefined) return;
    const s = this.spec(model);
    this.resident.delete(engine);
    this.vramUsed -= s.vramBytes;
    this.ramUsed -= s.ramBytes;
    this.unloads++;
  }
}

const WORDS = 'alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho sigma tau upsilon phi chi psi omega'.split(' ');

/** FNV-1a: deterministic token choice. */
function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) { h ^= s.charCodeAt(i); h = Math.imul(h, 0x01000193) >>> 0; }
  return h;
}

/** The context length of every simulated model (a request without `maxTokens` fills it). */
export const SIM_CONTEXT = 2048;

/**
 * The simulated log probabilities of token `i` (text `token`) with `k` alternatives: deterministic, the
 * chosen token the most likely (as under greedy decoding), the others other words, less likely.
 */
export function simLogprobs(token: string, i: number, k: number): TokenLogprobs {
  const enc = new TextEncoder();
  const logprob = -0.01 - (hash(`${token}\u0000${i}`) % 1000) / 1000;
  const others = WORDS.map((w) => ` ${w}`).filter((w) => w !== token);
  const top: TokenLogprob[] = [{ token, logprob, bytes: [...enc.encode(token)] }];
  for (let j = 1; j < k; j++) {
    const alt = others[(hash(`${token}\u0000${i}`) + j) % others.length]!;
    top.push({ token: alt, logprob: logprob - j, bytes: [...enc.encode(alt)] });
  }
  return { token, logprob, bytes: [...enc.encode(token)], top: top.slice(0, k) };
}

/** The text of token `i` of a generation (what an uninterrupted run produces). */
export function simToken(model: string, request: GenerateRequest, i: number): string {
  const prompt = request.prompt ?? JSON.stringify(request.messages ?? []);
  const seed = request.temperature && request.temperature > 0 ? `:${request.seed ?? 'unseeded'}` : '';
  return ` ${WORDS[hash(`${model}\u0000${prompt}${seed}\u0000${i}`) % WORDS.length]}`;
}

/** Options of a simulated engine. */
export interface SimEngineOptions {
  /** Models whose load fails with `ModelLoadError`. */
  failLoad?: Set<string>;
  /** Make every replay diverge at its first token (an engine that cannot reproduce its sampling). */
  divergeOnReplay?: boolean;
  defaultMsPerToken?: number;
  /**
   * Wedge like an engine stuck in native code: a generation whose prompt (or last message) contains this
   * word produces `hangAfter` tokens and then hangs, deaf to abort and interrupt, until the worker is
   * terminated; a load of a model in `hangLoad` never finishes.
   */
  hangWord?: string;
  hangAfter?: number;
  hangLoad?: Set<string>;
}

let engineSeq = 0;

/** A simulated engine worker. */
export class SimEngine implements SlotEngine {
  readonly id = engineSeq++;
  readonly exited: Promise<LlmOsError>;
  private exitError: LlmOsError | null = null;
  private markExited!: (e: LlmOsError) => void;
  private model: string | null = null;
  private interruptFlag = false;
  private readonly pending = new Set<(e: LlmOsError) => void>();
  generations = 0;
  /** Every request this engine was asked to generate, in order (what admission finally sent). */
  readonly requests: GenerateRequest[] = [];

  constructor(private readonly clock: SimClock, private readonly device: SimDevice, private readonly options: SimEngineOptions = {}) {
    this.exited = new Promise((r) => { this.markExited = r; });
  }

  get alive(): boolean {
    return this.exitError === null;
  }

  get loadedModel(): string | null {
    return this.model;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.exitError) return reject(this.exitError);
      const fail = (e: LlmOsError) => { this.clock.clearTimeout(h); reject(e); };
      const h = this.clock.setTimeout(() => { this.pending.delete(fail); resolve(); }, ms);
      this.pending.add(fail);
    });
  }

  async load(_kind: EngineKind, source: ModelSource, _o?: LoadOptions, onProgress?: (p: LoadProgress) => void, signal?: AbortSignal): Promise<ModelInfo> {
    if (this.exitError) throw this.exitError;
    await this.unload();
    const spec = this.device.spec(source.id);
    const total = spec.vramBytes + spec.ramBytes;
    onProgress?.({ phase: 'load', loaded: 0, total, fraction: 0 });
    await this.sleep(spec.loadMs ?? 100);
    if (this.options.hangLoad?.has(source.id)) await this.hang();
    if (signal?.aborted) throw new AbortError('Load aborted', { id: source.id });
    if (this.options.failLoad?.has(source.id)) throw new ModelLoadError(`Simulated load failure of ${source.id}`, { id: source.id });
    this.device.alloc(this, source.id, this.clock.now());
    this.model = source.id;
    onProgress?.({ phase: 'init', loaded: total, total, fraction: 1 });
    return { id: source.id, engine: 'scripted', contextLength: SIM_CONTEXT, inputs: ['text'], weightBytes: total, kvBytes: 0 };
  }

  async generate(request: GenerateRequest, onToken: (t: TokenEvent) => void, signal?: AbortSignal): Promise<GenerateResult> {
    if (this.exitError) throw this.exitError;
    const model = this.model;
    if (!model) throw new GenerationError('SimEngine: no model loaded', {});
    this.generations++;
    this.requests.push(request);
    this.interruptFlag = false;
    const t0 = this.clock.now();
    const spec = this.device.spec(model);
    const msPerToken = spec.msPerToken ?? this.options.defaultMsPerToken ?? 10;
    const replayTokens = request.replayTokens ?? 0;
    let replay = request.replayPrefix ?? '';
    // A resumed run prefills its earlier output with the prompt and goes on from the token after it.
    const resumed = request.resume?.tokens ?? 0;
    const promptTokens = Math.ceil((request.prompt ?? JSON.stringify(request.messages)).length / 4) + resumed;
    // No limit: to a full context, as the real engines do (the replayed tokens are in it too).
    const total = request.maxTokens === undefined ? Math.max(0, SIM_CONTEXT - promptTokens) : replayTokens + request.maxTokens;
    let text = '';
    let produced = 0;
    let tFirst: number | null = null;
    let stopReason: GenerateResult['stopReason'] = 'length';
    await this.sleep(promptTokens * 0.1);
    const hangWord = this.options.hangWord;
    const wedged = hangWord !== undefined && (request.prompt ?? request.messages?.at(-1)?.content ?? '').includes(hangWord);
    for (let i = 0; i < total; i++) {
      if (wedged && i >= (this.options.hangAfter ?? 0)) await this.hang();
      if (signal?.aborted) { stopReason = 'abort'; break; }
      if (this.interruptFlag) { stopReason = 'interrupt'; break; }
      await this.sleep(msPerToken);
      if (signal?.aborted) { stopReason = 'abort'; break; }
      if (this.interruptFlag) { stopReason = 'interrupt'; break; }
      let piece = simToken(model, request, resumed + i);
      if (replay && this.options.divergeOnReplay) piece = ` diverged${i}`;
      if (replay) {
        const n = Math.min(replay.length, piece.length);
        if (piece.slice(0, n) !== replay.slice(0, n)) throw new ReplayDivergedError('Replay diverged', { at: i });
        replay = replay.slice(n);
        piece = piece.slice(n);
        if (!piece) continue;
      }
      tFirst ??= this.clock.now();
      text += piece;
      produced++;
      if (request.logprobs === undefined) onToken({ text: piece, index: produced - 1 });
      else onToken({ text: piece, index: produced - 1, logprobs: [simLogprobs(simToken(model, request, resumed + i), resumed + i, request.logprobs)] });
    }
    const tEnd = this.clock.now();
    return {
      text, stopReason,
      usage: {
        promptTokens, completionTokens: produced, ttftMs: (tFirst ?? tEnd) - t0, totalMs: tEnd - t0,
        decodeTokensPerSec: produced > 1 && tFirst !== null && tEnd > tFirst ? ((produced - 1) * 1000) / (tEnd - tFirst) : 0,
        prefillTokensPerSec: 0,
      },
    };
  }

  /** Never resolve; reject only when the engine dies (terminated or crashed). */
  private hang(): Promise<never> {
    return new Promise((_, reject) => {
      if (this.exitError) return reject(this.exitError);
      this.pending.add(reject);
    });
  }

  interrupt(): void {
    this.interruptFlag = true;
  }

  async unload(): Promise<void> {
    if (this.exitError) throw this.exitError;
    if (this.model === null) return;
    await this.sleep(5);
    this.device.free(this);
    this.model = null;
  }

  /** Die as a crashed worker would: pending calls reject with `WorkerCrashedError`, memory is freed. */
  crash(reason = 'Simulated worker crash'): void {
    if (this.exitError) return;
    this.exitError = new WorkerCrashedError(reason, { engine: this.id });
    this.device.free(this);
    this.model = null;
    for (const f of [...this.pending]) f(this.exitError);
    this.pending.clear();
    this.markExited(this.exitError);
  }

  terminate(reason = 'Simulated worker terminated'): void {
    this.crash(reason);
  }
}

/** A factory for the kernel's `createEngine` that keeps every engine it made. */
export function simEngineFactory(clock: SimClock, device: SimDevice, options: SimEngineOptions = {}) {
  const engines: SimEngine[] = [];
  return {
    engines,
    create: async (_slot: number): Promise<SlotEngine> => {
      const e = new SimEngine(clock, device, options);
      engines.push(e);
      return e;
    },
  };
}
