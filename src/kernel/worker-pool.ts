/**
 * WorkerPool: one engine (worker) per slot, started lazily on first use through the injected factory.
 * It watches each engine's `exited` promise: a worker that dies on its own (crash, out of memory,
 * terminated by the browser) is dropped from its slot — whose model is then no longer resident — and
 * reported, so the scheduler re-queues its jobs and a fresh worker is started on next use.
 * Deliberate terminations (a stuck unload, shutdown) are not reported as crashes.
 */
import { TimeoutError, WorkerCrashedError, toLlmOsError, type LlmOsError } from '../errors';
import type { Job } from './job';
import type { SlotEngine } from './types';
import { systemClock, withTimeout, type Clock } from './clock';

/** @internal One worker slot and what it holds. */
export class Slot {
  engine: SlotEngine | null = null;
  starting: Promise<SlotEngine> | null = null;
  /** Incremented whenever the slot's worker is replaced (stale async results compare it). */
  epoch = 0;
  model: string | null = null;
  modelState: 'loading' | 'loaded' | 'unloading' | null = null;
  /** Memory charged for the model held (loading, loaded or unloading). */
  vramBytes = 0;
  ramBytes = 0;
  readonly running = new Set<Job>();
  idleSince: number | null = null;
  keepAliveMs = 0;
  lastUsed = 0;
  /** False for slots beyond the current slot budget: they drain and take no new work. */
  active = true;
  /** Loaded but no job dispatched to it yet: not evicted while it has queued work (no load thrash). */
  fresh = false;

  constructor(readonly index: number) {}

  /** Forget the model (after unload or a crash). */
  clearModel(): void {
    this.model = null;
    this.modelState = null;
    this.vramBytes = 0;
    this.ramBytes = 0;
    this.idleSince = null;
    this.fresh = false;
  }
}

/** Creates the engine of a slot: a real worker (`EngineClient.start`) or a test double. */
export type EngineFactory = (slot: number) => Promise<SlotEngine>;

/** @internal */
export class WorkerPool {
  readonly slots: Slot[] = [];

  constructor(
    private readonly create: EngineFactory,
    /** Called when a slot's worker dies unexpectedly, with the model it held (already cleared). */
    private readonly onExit: (slot: Slot, error: LlmOsError, model: string | null) => void,
    private readonly clock: Clock = systemClock,
    private readonly startTimeoutMs = 60_000,
  ) {}

  /** Grow to `n` slots, or mark the slots beyond `n` inactive (they drain). */
  resize(n: number): void {
    while (this.slots.length < n) this.slots.push(new Slot(this.slots.length));
    for (const s of this.slots) s.active = s.index < n;
  }

  get activeSlots(): Slot[] {
    return this.slots.filter((s) => s.active);
  }

  /** The slot's engine, starting its worker if needed. */
  engine(slot: Slot): Promise<SlotEngine> {
    if (slot.engine?.alive) return Promise.resolve(slot.engine);
    if (slot.starting) return slot.starting;
    const epoch = ++slot.epoch;
    const starting = withTimeout(this.create(slot.index), this.startTimeoutMs, this.clock,
      () => new TimeoutError(`Engine worker for slot ${slot.index} did not start in time`, { slot: slot.index }));
    slot.starting = starting.then((engine) => {
      slot.starting = null;
      if (slot.epoch !== epoch) {
        engine.terminate('Slot was reset while its worker started');
        throw new WorkerCrashedError('Slot was reset while its worker started', { slot: slot.index });
      }
      slot.engine = engine;
      void engine.exited.then((err) => {
        if (slot.engine !== engine) return; // deliberate: already detached
        slot.engine = null;
        slot.epoch++;
        const model = slot.model;
        slot.clearModel();
        this.onExit(slot, toLlmOsError(err, WorkerCrashedError), model);
      });
      return engine;
    }, (e) => {
      slot.starting = null;
      throw toLlmOsError(e, WorkerCrashedError, { slot: slot.index });
    });
    return slot.starting;
  }

  /** Terminate the slot's worker deliberately (no crash report); its model is gone. */
  reset(slot: Slot, reason: string): void {
    const engine = slot.engine;
    slot.engine = null;
    slot.starting = null;
    slot.epoch++;
    slot.clearModel();
    engine?.terminate(reason);
  }

  /** Terminate every worker. */
  shutdown(): void {
    for (const s of this.slots) this.reset(s, 'Kernel shut down');
  }
}
