/**
 * Part 1 — one preemption, resumed by one prefill. A background job (greedy, 30-token prompt, maxTokens
 * N + 64) on a full slot (jobsPerSlot 1) is preempted after N delivered tokens by a realtime job of one
 * token. Per repetition and N, interleaved (the order rotates):
 *   A1  the same job uninterrupted (another unique prompt of the same length: no prompt-cache hit),
 *   P   the preempted job,
 *   A2  A1 again (A/A control),
 * then the divisor: one prefill of prompt + the tokens P had delivered when it was stopped, measured
 * directly as the TTFT of a one-token job with that prompt (a fresh leading tag: a cache miss) on the
 * idle kernel.
 *   extra (whole runs) = P's total − A1's total − the realtime job's own run (job-started → finished).
 *   extra (local)      = P's stall (last token before the realtime job started → first token after the
 *                        resume) − the realtime run − P's median gap between tokens: the same quantity
 *                        measured where it happens, without two whole runs' noise; its control is the
 *                        gap after token N of A1, less A1's median gap (≈ 0).
 * The one-character fixture makes the resume exact (the delivered text tokenises back to its ids).
 */
import type { Kernel } from '../../src/kernel/kernel';
import type { JobHandle, JobResult } from '../../src/kernel/types';
import { log, median } from '../lib/page-utils';
import { consume, traceJobs, uniqueTag, warmUp, type Consumed } from '../kernel-overhead/kernel-bench-utils';
import { CHARS, QUICK, charsGreedy, dist, overview, range, type OverviewRow } from './common';

const POINTS = [32, 128, 256];
const REPS = QUICK ? 2 : 5;
const AFTER = 64;
/** With a 4-letter tag: 30 characters, 30 tokens (+ BOS). */
const BASE = ' the state of the world is';
const BEFORE: Record<number, string> = { 32: '1.8', 128: '3.2', 256: '3.3' };

/** A run with each token's arrival time (one-character tokens: `at[i]` is token i + 1's). */
interface Timed { c: Consumed; at: number[] }

interface Rep {
  n: number; a1: number; a2: number; total: number; rtRun: number; prefill: number; prefillCached: number;
  localExtra: number; localControl: number;
  preemptedAt: number; resumedFrom: number; resumedEvaluated: number; inexact: number; preemptions: number; oneCharATok: boolean;
}

/** Median gap between consecutive token arrivals of `at`, skipping the gap that starts at index `skip`. */
function medianGap(at: number[], skip = -1): number {
  const gaps: number[] = [];
  for (let i = 1; i < at.length; i++) if (i - 1 !== skip) gaps.push(at[i]! - at[i - 1]!);
  return median(gaps);
}

const oneCharATok = (r: JobResult) => r.text.length === r.usage.completionTokens;

/** `kernel`: one slot, jobsPerSlot 1, `CHARS` registered (loaded by the warm-up here). */
export async function preemptionPart(kernel: Kernel): Promise<{ rows: Record<string, string | number>[]; overview: OverviewRow[]; inexact: number }> {
  const { traces, stop } = traceJobs(kernel);
  const bg = kernel.spawn({ name: 'background' }, { priority: 'background' });
  const rt = kernel.spawn({ name: 'realtime' }, { priority: 'realtime' });
  const probe = kernel.spawn({ name: 'prefill probe' }, { priority: 'normal' });
  let seq = 0;
  const tag = () => uniqueTag(seq++);
  const job = (pid: number, prompt: string, maxTokens: number) => kernel.submit({ pid, model: CHARS.id, prompt, params: charsGreedy(maxTokens) });

  /** Run `h`, timing every token; `onText` sees the text so far. */
  const timed = async (h: JobHandle, onText?: (text: string) => void): Promise<Timed> => {
    const at: number[] = [];
    const c = await consume(h, performance.now(), (text) => { at.push(performance.now()); onText?.(text); });
    return { c, at };
  };
  const whole = (n: number) => timed(job(bg, tag() + BASE, n + AFTER));

  async function preempted(n: number) {
    let rtJob: JobHandle | null = null;
    let rtDone: Promise<Consumed> | null = null;
    const h = job(bg, tag() + BASE, n + AFTER);
    const p = await timed(h, (text) => {
      if (rtJob || text.length < n) return;
      rtJob = job(rt, `${tag()} hi`, 1);
      rtDone = consume(rtJob, performance.now());
    });
    await rtDone;
    return { p, t: traces.get(h.id)!, r: traces.get(rtJob!.id)! };
  }

  const warm = await warmUp(async () => (await whole(32)).c.totalMs, 6);
  log('preemption warm-up', warm.map((t) => t.toFixed(0)).join(' '));
  const reps: Rep[] = [];
  for (let rep = 0; rep < REPS; rep++) {
    for (const n of POINTS) {
      const order = [['a1', 'p', 'a2'], ['p', 'a2', 'a1'], ['a2', 'a1', 'p']][(rep + POINTS.indexOf(n)) % 3]!;
      let a1: Timed | null = null, a2: Timed | null = null, pre: Awaited<ReturnType<typeof preempted>> | null = null;
      for (const arm of order) {
        if (arm === 'a1') a1 = await whole(n);
        else if (arm === 'a2') a2 = await whole(n);
        else pre = await preempted(n);
      }
      const { p, t, r } = pre!;
      const res = p.c.result;
      const rtRun = r.finishedAt! - r.startedAt!;
      const resumedFrom = t.resumed[0]?.tokens ?? 0;
      // One-character vocabulary: the first `resumedFrom` tokens are the first `resumedFrom` characters.
      const pf = await consume(job(probe, tag() + BASE + res.text.slice(0, resumedFrom), 1), performance.now());
      // The stall: the last token that arrived before the realtime job started → the first after the resume.
      const before = p.at.filter((x) => x < r.startedAt!).length - 1;
      const stall = p.at[before + 1]! - p.at[before]!;
      const a1n = Math.min(n, a1!.at.length - 1) - 1;
      reps.push({
        n, a1: a1!.c.result.usage.totalMs, a2: a2!.c.result.usage.totalMs, total: res.usage.totalMs, rtRun,
        prefill: pf.ttft, prefillCached: pf.result.usage.cachedTokens ?? 0,
        localExtra: stall - rtRun - medianGap(p.at, before),
        localControl: a1!.at[a1n + 1]! - a1!.at[a1n]! - medianGap(a1!.at),
        preemptedAt: t.preempted[0]?.tokens ?? 0, resumedFrom,
        resumedEvaluated: res.evaluatedTokens - (res.usage.promptTokens - (res.usage.cachedTokens ?? 0)),
        inexact: res.inexactResumes, preemptions: res.preemptions, oneCharATok: oneCharATok(res) && oneCharATok(a1!.c.result),
      });
      const last = reps.at(-1)!;
      log('preempt', n, 'rep', rep, JSON.stringify(last), 'ratio', ((last.total - last.a1 - last.rtRun) / last.prefill).toFixed(3));
    }
  }
  stop();

  const rows: Record<string, string | number>[] = [];
  const ov: OverviewRow[] = [];
  for (const n of POINTS) {
    const rs = reps.filter((r) => r.n === n);
    const extra = rs.map((r) => r.total - r.a1 - r.rtRun);
    const ratio = rs.map((r, i) => extra[i]! / r.prefill);
    const local = rs.map((r) => r.localExtra / r.prefill);
    const localAa = rs.map((r) => r.localControl / r.prefill);
    const aaExtra = rs.map((r) => (r.a2 - r.a1) / r.prefill);
    const aa = rs.map((r) => r.a2 / r.a1);
    const d = dist(ratio), l = dist(local);
    rows.push({
      N: n, 'preempted at': range(rs.map((r) => r.preemptedAt)), 'resumed from': range(rs.map((r) => r.resumedFrom)),
      'uninterrupted ms p50': dist(rs.map((r) => r.a1), 1).p50, 'realtime run ms p50': dist(rs.map((r) => r.rtRun), 1).p50,
      'one prefill ms p50': dist(rs.map((r) => r.prefill), 1).p50,
      'extra ms p50': dist(extra, 1).p50, 'extra ÷ prefill p50': d.p50, p95: d.p95, 'min–max': `${d.min}–${d.max}`,
      'A/A: A2 ÷ A1 p50': dist(aa).p50, 'A/A: (A2 − A1) ÷ prefill p50': dist(aaExtra).p50, 'A/A (A2 − A1) ÷ prefill range': range(aaExtra, 2),
      'local extra ms p50': dist(rs.map((r) => r.localExtra), 1).p50, 'local ÷ prefill p50': l.p50, 'local p95': l.p95, 'local min–max': `${l.min}–${l.max}`,
      'local A/A ÷ prefill p50': dist(localAa).p50,
      'resumed run: evaluated tokens': range(rs.map((r) => r.resumedEvaluated)),
      'prefill probe: cached tokens': range(rs.map((r) => r.prefillCached)),
      preemptions: rs.reduce((s, r) => s + r.preemptions, 0), inexactResumes: rs.reduce((s, r) => s + r.inexact, 0),
      'one char a token': rs.every((r) => r.oneCharATok) ? 'yes' : 'NO',
      goal: '≤ 1.5', before: BEFORE[n]!,
    });
    ov.push(overview(`1. one preemption at N = ${n}: extra time ÷ one prefill of prompt + N (whole runs)`, ratio, aa, 'A2 ÷ A1 uninterrupted', '≤ 1.5', BEFORE[n]!));
    ov.push(overview(`1. … the same, measured locally (stall at the preemption)`, local, localAa, 'A1\'s gap after token N ÷ prefill, ≈ 0', '≤ 1.5', '—'));
  }
  return { rows, overview: ov, inexact: reps.reduce((s, r) => s + r.inexact, 0) };
}
