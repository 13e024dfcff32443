/**
 * Whose conversations a model's KV cache holds. The engines allocate a model's whole cache when it
 * loads — a context for each of its `sequences` — and the budget charges all of it to the model
 * (`kvBytes × sequences`). This ledger attributes that memory to processes: a job that ran on the
 * model leaves its context (prompt + reply) cached for the process's next turn, and it stays there
 * while the process is among the model's `sequences` most recent users (both engines hand a new
 * conversation the least recently used sequence when none holds a prefix of it). An estimate, stated
 * as one: an engine may keep more (llama.cpp's host-memory prompt cache) or reuse a sequence for a
 * shared prefix. Forgotten when the model leaves memory or the process exits.
 */

/** One process's cached context on one model. */
export interface KvHolding {
  model: string;
  tokens: number;
}

export class KvLedger {
  /** Per model: the processes whose context it holds, most recent first. */
  private readonly models = new Map<string, { pid: number; tokens: number }[]>();

  /** A job of `pid` ended on `model` with `tokens` of context (prompt + reply); the model keeps `sequences`. */
  record(model: string, pid: number, tokens: number, sequences: number): void {
    if (!(tokens > 0)) return;
    const list = (this.models.get(model) ?? []).filter((e) => e.pid !== pid);
    list.unshift({ pid, tokens });
    list.length = Math.min(list.length, Math.max(1, sequences));
    this.models.set(model, list);
  }

  /** The model left memory: its cache is gone. */
  dropModel(model: string): void {
    this.models.delete(model);
  }

  /** The process exited: its context is of no use to anyone (and the next user takes the sequence). */
  dropProcess(pid: number): void {
    for (const [model, list] of this.models) {
      const rest = list.filter((e) => e.pid !== pid);
      if (rest.length) this.models.set(model, rest); else this.models.delete(model);
    }
  }

  /** What the caches hold for `pid`, per model. */
  holdings(pid: number): KvHolding[] {
    const out: KvHolding[] = [];
    for (const [model, list] of this.models) {
      const e = list.find((x) => x.pid === pid);
      if (e) out.push({ model, tokens: e.tokens });
    }
    return out;
  }
}
