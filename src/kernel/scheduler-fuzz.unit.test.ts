/**
 * Randomised policy check on simulated time: random models, budgets, processes, arrivals, priorities,
 * keepAlives, cancels, kills, renices, crashes and budget cuts. Invariants, in every case:
 *   - residency never exceeds the budget (checked by the SimDevice, independently of the kernel),
 *   - every job settles (a hang is a failure of `runUntil`),
 *   - a job that completes streamed exactly what an uninterrupted run produces, however often it was
 *     preempted or its worker crashed; a cancelled one streamed a prefix of it,
 *   - failures are typed (`LlmOsError` with an expected code; crashes during loads may quarantine a model),
 *   - afterwards nothing is queued or running,
 *   - no preemption thrash (without time slices, at most about two preemptions per job),
 *   - jobs that wedge their engine end (watchdog or hard kill) and never hold up the others.
 * To reproduce a failing seed: `FUZZ_FROM=<seed> FUZZ_CASES=1 FUZZ_LOG=2 npx vitest run --project unit
 * src/kernel/scheduler-fuzz.unit.test.ts` (FUZZ_LOG=1 prints per-case timing, 2 every event).
 */
import { describe, expect, test } from 'vitest';
import { LlmOsError, ModelTooLargeError } from '../errors';
import { PRIORITIES } from './priority';
import type { JobHandle } from './types';
import { drain, simKernel, simReference, type SimModelDef } from './testing/sim-kernel';
import { rng } from './testing/rng';

const CASES = Number(process.env.FUZZ_CASES ?? 1500);

async function runCase(seed: number) {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const models: Record<string, SimModelDef> = {};
  const nModels = 2 + Math.floor(r() * 4);
  for (let i = 0; i < nModels; i++) {
    models[`m${i}`] = { mb: 50 + Math.floor(r() * 350), backend: r() < 0.5 ? 'webgpu' : 'wasm', msPerToken: 5 + Math.floor(r() * 15), loadMs: 20 + Math.floor(r() * 200) };
  }
  const vramMB = Math.floor(r() * 900);
  const sliceTokens = r() < 0.2 ? 4 + Math.floor(r() * 10) : Infinity;
  const ramMB = 150 + Math.floor(r() * 700);
  const { clock, kernel, device, engines } = await simKernel({
    vramMB, ramMB, slots: 1 + Math.floor(r() * 3), models,
    kernel: { agingStepMs: 200 + Math.floor(r() * 2000), maxRetries: 3, sliceTokens, firstTokenTimeoutMs: 3_000, interTokenTimeoutMs: 2_000 },
    // Some jobs wedge their engine (deaf to abort and interrupt) after a few tokens: watchdogs and hard
    // kills must end them and every other job must still complete exactly.
    engine: { hangWord: 'wedge', hangAfter: Math.floor(r() * 5) },
  });
  if (process.env.FUZZ_LOG === '2') kernel.events.on('*', (d, t) => { if (t !== 'model-progress') console.log(clock.now(), t, JSON.stringify(d).slice(0, 160)); });
  const pids = Array.from({ length: 1 + Math.floor(r() * 4) }, (_, i) =>
    kernel.spawn({ name: `p${i}` }, { priority: pick(PRIORITIES), weight: 1 + Math.floor(r() * 3) }));
  const jobs: { model: string; wedge: boolean; prompt: string; maxTokens: number; h: JobHandle | null; d: ReturnType<typeof drain> | null; tooLarge: boolean }[] = [];
  const nJobs = 3 + Math.floor(r() * 10);
  const actions: { at: number; run: () => void }[] = [];
  for (let i = 0; i < nJobs; i++) {
    const model = pick(Object.keys(models));
    const wedge = r() < 0.08;
    const spec = { model, wedge, prompt: `case ${seed} job ${i}${wedge ? ' wedge' : ''}`, maxTokens: 1 + Math.floor(r() * 30), h: null as JobHandle | null, d: null as ReturnType<typeof drain> | null, tooLarge: false };
    jobs.push(spec);
    const pid = pick(pids);
    const keepAliveMs = pick([undefined, 0, -1, 500, 5000]);
    const priority = r() < 0.2 ? pick(PRIORITIES) : undefined;
    actions.push({
      at: Math.floor(r() * 1500), run: () => {
        try {
          spec.h = kernel.submit({ pid, model, prompt: spec.prompt, params: { maxTokens: spec.maxTokens }, ...(keepAliveMs !== undefined ? { keepAliveMs } : {}), ...(priority ? { priority } : {}) });
          spec.d = drain(spec.h);
        } catch (e) {
          if (e instanceof ModelTooLargeError) spec.tooLarge = true;
          // A model whose loads crashed twice in a row is quarantined: later submits are refused at once.
          else if (!(e instanceof LlmOsError && (e.code === 'PROCESS_UNKNOWN' || e.code === 'MODEL_QUARANTINED'))) throw e;
        }
      },
    });
    if (r() < 0.1) actions.push({ at: Math.floor(r() * 2500), run: () => spec.h?.cancel() });
  }
  for (let i = 0; i < 3; i++) {
    const at = Math.floor(r() * 2500);
    const x = r();
    if (x < 0.25) actions.push({ at, run: () => { const e = engines.filter((en) => en.alive); if (e.length) pick(e).crash(); } });
    else if (x < 0.35) actions.push({ at, run: () => { const pid = pick(pids); if (kernel.ps().find((p) => p.pid === pid)!.state !== 'exited') kernel.kill(pid); } });
    else if (x < 0.6) actions.push({ at, run: () => { const pid = pick(pids); if (kernel.ps().find((p) => p.pid === pid)!.state !== 'exited') kernel.renice(pid, pick(PRIORITIES)); } });
    else if (x < 0.7) actions.push({ at, run: () => kernel.setBudget({ ramMB: Math.floor(ramMB * (0.5 + r() / 2)) }) });
  }
  actions.sort((a, b) => a.at - b.at);
  for (const a of actions) {
    await clock.advance(a.at - clock.now() > 0 ? a.at - clock.now() : 0);
    a.run();
  }
  await clock.runUntil(() => jobs.every((j) => !j.d || j.d.settled), 24 * 3600_000);
  expect(device.violations, `seed ${seed}`).toEqual([]);
  for (const j of jobs) {
    if (!j.d) continue;
    const out = await j.d.done;
    const ref = simReference(j.model, { prompt: j.prompt }, j.maxTokens);
    expect(out.tokens.map((t) => t.index), `seed ${seed}`).toEqual([...Array(out.tokens.length).keys()]);
    if (out.result.ok) {
      const res = out.result.r;
      expect(res.text, `seed ${seed}`).toBe(out.text);
      if (res.stopReason === 'length') expect(out.text, `seed ${seed}`).toBe(ref);
      else if (j.wedge) expect(res.stopReason, `seed ${seed}`).toBe('abort');
      else {
        expect(res.stopReason, `seed ${seed}`).toBe('abort');
        expect(ref.startsWith(out.text), `seed ${seed}`).toBe(true);
      }
    } else {
      expect(out.result.e, `seed ${seed}`).toBeInstanceOf(LlmOsError);
      const codes = ['WORKER_CRASHED', 'MODEL_TOO_LARGE', 'MODEL_QUARANTINED', ...(j.wedge ? ['TIMEOUT'] : [])];
      expect(codes, `seed ${seed}`).toContain((out.result.e as LlmOsError).code);
      expect(ref.startsWith(out.text), `seed ${seed}`).toBe(true);
    }
  }
  expect(kernel.jobs(), `seed ${seed}`).toEqual([]);
  kernel.shutdown();
  const preemptions = kernel.events.history().filter((e) => e.type === 'job-preempted').length;
  const submitted = jobs.filter((j) => j.d).length;
  // No thrash: without time slices a job is preempted at most about twice.
  if (sliceTokens === Infinity) expect(preemptions, `seed ${seed}`).toBeLessThanOrEqual(2 * submitted + 3);
  const contained = kernel.events.history().filter((e) => e.type === 'job-timed-out' || e.type === 'worker-reclaimed').length;
  return { preemptions, jobs: submitted, contained };
}

describe('scheduler fuzz', () => {
  test(`${CASES} random scenarios keep every invariant`, async () => {
    let preemptions = 0, jobs = 0, contained = 0;
    const first = Number(process.env.FUZZ_FROM ?? 1);
    for (let seed = first; seed < first + CASES; seed++) {
      const t0 = performance.now();
      const s = await runCase(seed);
      if (process.env.FUZZ_LOG) console.log(seed, Math.round(performance.now() - t0), s);
      preemptions += s.preemptions;
      jobs += s.jobs;
      contained += s.contained;
    }
    // The scenarios really exercise preemption.
    expect(jobs).toBeGreaterThan(CASES * 3);
    expect(preemptions).toBeGreaterThan(CASES / 10);
    // … and wedged engines (watchdog timeouts and reclaimed workers).
    expect(contained).toBeGreaterThan(CASES / 10);
  }, 240_000);
});
