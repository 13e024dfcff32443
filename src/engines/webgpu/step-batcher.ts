/**
 * Continuous batching for `GpuLlama`: generations on different sequences ask for their next tokens
 * independently (`decode`: one token; `prefill`: a prompt), and the batcher runs them on the GPU one
 * step at a time. A step holds every decode token waiting at that moment (one per sequence: the
 * weights are read and dequantised once for all of them) and fills the rest of its `MAX_BATCH` tokens
 * with prefill chunks, first come first served (a long prompt spans several steps). Decoding is
 * bound by reading the weights, so B sequences cost little more than one, and a new job's prompt runs
 * beside the others' decoding instead of stopping it.
 *
 * A step waits for the sequences still sampling from the previous one (they ask again within
 * microseconds), but never longer than one task: a sequence that has stopped asking (it finished, or
 * is busy elsewhere) does not hold the others back.
 */
import { MAX_BATCH, type GpuLlama, type StepPart } from './gpu-llama';

interface Request {
  seq: number;
  tokens: readonly number[];
  pos0: number;
  /** Tokens of `tokens` already run (a prefill split over steps). */
  done: number;
  resolve: (l: Float32Array) => void;
  reject: (e: unknown) => void;
}

/** A macrotask from now: lets every pending microtask (the other sequences' sampling) run first. */
function nextTask(): Promise<void> {
  return new Promise((resolve) => {
    const ch = new MessageChannel();
    ch.port1.onmessage = () => { ch.port1.close(); resolve(); };
    ch.port2.postMessage(null);
  });
}

export class StepBatcher {
  private decodes: Request[] = [];
  private prefills: Request[] = [];
  /** Sequences in their decode loop: each is expected to ask for its next step. */
  private readonly decoding = new Set<number>();
  private running = false;
  /** Resolves the wait for stragglers early, once every decoding sequence has asked. */
  private wake: (() => void) | null = null;

  constructor(private readonly model: Pick<GpuLlama, 'run'>, private readonly lost: Promise<never>) {}

  /** Run `tokens` of sequence `seq` at positions `pos0…`; the logits after the last one. */
  prefill(seq: number, tokens: readonly number[], pos0: number): Promise<Float32Array> {
    return new Promise((resolve, reject) => {
      this.prefills.push({ seq, tokens, pos0, done: 0, resolve, reject });
      void this.pump();
    });
  }

  /** Decode `token` at position `pos` of sequence `seq`, batched with the other sequences' steps. */
  decode(seq: number, token: number, pos: number): Promise<Float32Array> {
    this.decoding.add(seq);
    return new Promise((resolve, reject) => {
      this.decodes.push({ seq, tokens: [token], pos0: pos, done: 0, resolve, reject });
      if (this.wake && this.allAsked()) this.wake();
      void this.pump();
    });
  }

  /** Sequence `seq` will ask for no more steps (its generation ended). */
  release(seq: number): void {
    this.decoding.delete(seq);
    if (this.wake && this.allAsked()) this.wake();
  }

  private allAsked(): boolean {
    return this.decodes.length >= this.decoding.size;
  }

  private async pump(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      while (this.prefills.length > 0 || this.decodes.length > 0) {
        if (this.decodes.length > 0 && !this.allAsked()) {
          await Promise.race([nextTask(), new Promise<void>((r) => { this.wake = r; })]);
          this.wake = null;
        }
        const parts: StepPart[] = [];
        const answered: Request[] = [];
        const decodes = this.decodes.splice(0, MAX_BATCH);
        for (const d of decodes) {
          parts.push({ seq: d.seq, tokens: d.tokens, pos0: d.pos0, logits: true });
          answered.push(d);
        }
        let room = MAX_BATCH - decodes.length;
        const inStep: Request[] = [];
        for (const p of this.prefills) {
          if (room === 0) break;
          const take = Math.min(room, p.tokens.length - p.done);
          const last = p.done + take === p.tokens.length;
          parts.push({ seq: p.seq, tokens: p.tokens.slice(p.done, p.done + take), pos0: p.pos0 + p.done, logits: last });
          p.done += take;
          room -= take;
          inStep.push(p);
          if (last) answered.push(p);
        }
        this.prefills = this.prefills.filter((p) => p.done < p.tokens.length);
        try {
          const logits = await this.model.run(parts, this.lost);
          answered.forEach((r, i) => r.resolve(logits[i]!));
        } catch (e) {
          // Every request in the step fails, a prefill cut in the middle included.
          for (const r of new Set([...decodes, ...inStep])) r.reject(e);
          this.prefills = this.prefills.filter((p) => !inStep.includes(p));
        }
      }
    } finally {
      this.running = false;
    }
  }
}
