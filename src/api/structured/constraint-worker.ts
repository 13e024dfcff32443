/**
 * Output validation off the page. Checking an output against a JSON schema or RegExp is not bounded by
 * the output's size (see `output-check.ts`), so it runs in one shared worker, started on first use.
 * Checks run one at a time; one that takes longer than `CONSTRAINT_LIMITS.validationMs` terminates the
 * worker (the next check starts a fresh one) and rejects with an `InvalidRequestError` naming the limit.
 * Where workers do not exist (Node), the check runs in place.
 */
import * as Comlink from 'comlink';
import { TimeoutError, WorkerCrashedError } from '../../errors';
import { CONSTRAINT_LIMITS, limitExceeded } from '../../protocol/constraint-limits';
import type { ConstraintHostApi } from '../../protocol/constraint-host-api';
import { installErrorTransfer } from '../../protocol/error-transfer';
import { checkOutput, type OutputConstraint } from '../../constraints/output-check';

/** Time for the worker to load its modules (not counted against the validation limit). */
const START_TIMEOUT_MS = 30_000;

interface Live { worker: Worker; remote: Comlink.Remote<ConstraintHostApi>; died: Promise<never> }

let live: Live | null = null;
let queue: Promise<unknown> = Promise.resolve();

function start(): Live {
  installErrorTransfer();
  const worker = new Worker(new URL('../../../workers/constraint.worker.ts', import.meta.url), { type: 'module', name: 'llmos-constraints' });
  const died = new Promise<never>((_, reject) => {
    worker.addEventListener('error', (ev) => {
      ev.preventDefault();
      reject(new WorkerCrashedError(`Constraint worker error: ${ev.message || 'failed to start'}`, {}));
    });
  });
  died.catch(() => undefined);
  return { worker, remote: Comlink.wrap<ConstraintHostApi>(worker), died };
}

function stop(l: Live): void {
  l.worker.terminate();
  if (live === l) live = null;
}

/** `p`, or `fail()`'s error (and the worker stopped) after `ms`. */
async function within<T>(l: Live, p: Promise<T>, ms: number, fail: () => Error): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => { stop(l); reject(fail()); }, ms);
  });
  try {
    return await Promise.race([p, late, l.died]);
  } catch (e) {
    if (e instanceof WorkerCrashedError) stop(l);
    throw e;
  } finally {
    clearTimeout(timer);
  }
}

async function checkOnce(text: string, constraint: OutputConstraint): Promise<unknown> {
  const l = live ??= start();
  await within(l, l.remote.ready(), START_TIMEOUT_MS, () => new TimeoutError(`The constraint worker did not start within ${START_TIMEOUT_MS} ms`, { timeoutMs: START_TIMEOUT_MS }));
  const max = CONSTRAINT_LIMITS.validationMs;
  const t0 = performance.now();
  return within(l, l.remote.validate(text, constraint), max, () =>
    limitExceeded('validationMs', Math.ceil(performance.now() - t0), 'Validating the output against its constraint'));
}

/** Check `text` against `constraint` in the constraint worker (see `output-check.ts` for the outcomes). */
export function checkOutputOffPage(text: string, constraint: OutputConstraint): Promise<unknown> {
  if (typeof Worker === 'undefined') return Promise.resolve().then(() => checkOutput(text, constraint));
  const run = queue.then(() => checkOnce(text, constraint));
  queue = run.catch(() => undefined);
  return run;
}
