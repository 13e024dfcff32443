/**
 * Turns the roofline bench's raw measurements into its table rows and summary. Conventions: every timing
 * is summarised over repeated runs as p50 and p95 of the *time* (p95 = the slow tail), rates are those
 * times inverted (so "tok/s p95" and "GB/s p95" are the slow-tail rates), with min–max and the
 * interquartile range as the spread. GB = 10^9 bytes, MB = 10^6 bytes.
 *
 * A model's roofline uses the N-thread bandwidth measured right after each of its decode runs (p50 of
 * those passes); "paired" fractions compare each run with the pass right after it. The block of
 * interleaved A/B passes before the decodes gives the 1- and N-thread figures and the A/A control.
 */
import type { BenchRow } from '../lib/harness';
import type { BandwidthPass } from '../lib/bandwidth';
import { round, spread, type Spread } from '../lib/stats';
import type { TokenBytes } from './bytes';

/** One timed decode run. */
export interface DecodeRun {
  model: string;
  run: number;
  /** A/A control label: runs alternate A, B, A, … with identical settings. */
  arm: string;
  tokens: number;
  /** Page-observed: time from the first token to the last ÷ (tokens − 1). */
  msPerToken: number;
  tokPerSec: number;
  /** The engine's own decode rate (inside the worker), for comparison. */
  engineTokPerSec: number;
  promptTokens: number;
}

/** Everything measured for one model. */
export interface ModelMeasure {
  name: string;
  fileBytes: number;
  backend: string;
  threads: number;
  bytes: TokenBytes;
  runs: DecodeRun[];
}

/** Input of `buildReport`. */
export interface RooflineInput {
  threads: number;
  tokens: number;
  nCtx: number;
  quick: boolean;
  passes: BandwidthPass[];
  models: ModelMeasure[];
}

/** Arm label of the N-thread bandwidth passes taken right after each decode run of `model`. */
export const besideArm = (model: string): string => `with ${model}`;

/** Goal of issue 19 for the large (bandwidth-bound) model: decode ≥ 0.70 of the roofline. */
export const LARGE_FRACTION_GOAL = 0.7;

const range = (s: Spread, d = 2) => `${s.min.toFixed(d)}–${s.max.toFixed(d)}`;

/** Bandwidth of a set of passes (all read the same bytes): GB/s at the p50 / p95 wall time, etc. */
function bandwidthOf(passes: BandwidthPass[]) {
  const bytes = passes[0]?.bytes ?? NaN;
  const wall = spread(passes.map((p) => p.wallMs));
  const gb = (ms: number) => bytes / ms / 1e6;
  return {
    passes: passes.length, bytes, wall,
    p50: gb(wall.p50), p95: gb(wall.p95), min: gb(wall.max), max: gb(wall.min), q1: gb(wall.q3), q3: gb(wall.q1),
    skewMs: spread(passes.map((p) => Math.max(...p.threadMs) - Math.min(...p.threadMs))).p50,
  };
}

/** Rows, summary and raw data for bench/results/roofline.json. */
export function buildReport(input: RooflineInput) {
  const { passes, models, threads } = input;
  const besideArms = new Set(models.map((m) => besideArm(m.name)));
  const block = passes.filter((p) => !besideArms.has(p.arm));
  const threadCounts = [...new Set(block.map((p) => p.threads))];
  const arms = [...new Set(block.map((p) => p.arm))];
  const bandwidth: BenchRow[] = [];
  const aa: Record<number, number> = {};
  const pooled: Record<number, ReturnType<typeof bandwidthOf>> = {};
  const beside = (m: ModelMeasure) => passes.filter((p) => p.arm === besideArm(m.name));
  for (const t of threadCounts) {
    const mine = block.filter((p) => p.threads === t);
    const perArm = arms.map((a) => ({ arm: a, bw: bandwidthOf(mine.filter((p) => p.arm === a)) }));
    pooled[t] = bandwidthOf(mine);
    aa[t] = perArm.length === 2 ? perArm[0]!.bw.p50 / perArm[1]!.bw.p50 : NaN;
    const rowsOf = [...perArm, { arm: arms.join('+'), bw: pooled[t] }];
    if (t === threads) for (const m of models) if (beside(m).length) rowsOf.push({ arm: besideArm(m.name), bw: bandwidthOf(beside(m)) });
    for (const { arm, bw } of rowsOf) {
      bandwidth.push({
        threads: t, arm, passes: bw.passes, 'GiB/pass': round(bw.bytes / 1024 ** 3, 2),
        'GB/s p50': round(bw.p50, 2), 'GB/s p95 (slow)': round(bw.p95, 2), 'GB/s min–max': `${bw.min.toFixed(2)}–${bw.max.toFixed(2)}`,
        'GB/s IQR': `${bw.q1.toFixed(2)}–${bw.q3.toFixed(2)}`, 'thread skew ms p50': round(bw.skewMs, 2),
      });
    }
  }
  const bw = pooled[threads] ?? pooled[Math.max(...threadCounts)]!;

  const rows: BenchRow[] = [];
  const summary: Record<string, number | string> = {
    threads,
    tokensPerRun: input.tokens,
    nCtx: input.nCtx,
    bandwidthGBps: round(bw.p50, 2),
    bandwidthGBpsP95Slow: round(bw.p95, 2),
    bandwidthGBpsMinMax: `${bw.min.toFixed(2)}–${bw.max.toFixed(2)}`,
    bandwidth1ThreadGBps: round(pooled[1]?.p50 ?? NaN, 2),
    bandwidthAARatio: round(aa[threads] ?? NaN, 3),
    bandwidth1ThreadAARatio: round(aa[1] ?? NaN, 3),
  };
  const perModel = models.map((m) => {
    const ms = spread(m.runs.map((r) => r.msPerToken));
    const tok = { p50: 1000 / ms.p50, p95: 1000 / ms.p95, min: 1000 / ms.max, max: 1000 / ms.min } as Spread;
    // The bandwidth measured beside this model's runs (the block's if there is none).
    const near = beside(m);
    const mbw = near.length ? bandwidthOf(near) : bw;
    const rooflineMs = m.bytes.total / mbw.p50 / 1e6;
    // Paired: each run against the bandwidth pass right after it.
    const paired = spread(m.runs.map((r) => {
      const p = near.find((x) => x.pass === r.run);
      return p ? m.bytes.total / p.gbps / 1e6 / r.msPerToken : NaN;
    }).filter(Number.isFinite));
    const armMs = (a: string) => spread(m.runs.filter((r) => r.arm === a).map((r) => r.msPerToken)).p50;
    const aaRatio = armMs('B') / armMs('A'); // tok/s A ÷ tok/s B
    const engine = spread(m.runs.map((r) => r.engineTokPerSec));
    rows.push({
      model: m.name,
      'MB read/token': round(m.bytes.total / 1e6, 2),
      runs: ms.n,
      'GB/s beside p50': round(mbw.p50, 2),
      'decode tok/s p50': round(tok.p50, 2),
      'tok/s p95 (slow)': round(tok.p95, 2),
      'tok/s min–max': range(tok),
      'roofline tok/s': round(1000 / rooflineMs, 2),
      'decode ÷ roofline': round(rooflineMs / ms.p50, 3),
      'ms/token p50': round(ms.p50, 3),
      'ms/token p95': round(ms.p95, 3),
      'roofline ms/token': round(rooflineMs, 3),
      'overhead ms/token': round(ms.p50 - rooflineMs, 3),
      'A/A (tok/s A÷B)': round(aaRatio, 3),
    });
    return { m, ms, rooflineMs, aaRatio, engineP50: engine.p50, mbw, paired };
  });
  for (const [i, { m, ms, rooflineMs, aaRatio, engineP50, mbw, paired }] of perModel.entries()) {
    const k = i === 0 ? 'small' : i === 1 ? 'large' : `model${i + 1}`;
    Object.assign(summary, {
      [`${k}Model`]: m.name,
      [`${k}FileMB`]: round(m.fileBytes / 1e6, 1),
      [`${k}WeightMBPerToken`]: round(m.bytes.weights / 1e6, 2),
      [`${k}EmbeddingRowKB`]: round(m.bytes.embeddingRow / 1e3, 2),
      [`${k}KvKBPerToken`]: round(m.bytes.kv / 1e3, 1),
      [`${k}MeanContext`]: m.bytes.context,
      [`${k}DecodeTokPerSec`]: round(1000 / ms.p50, 2),
      [`${k}EngineTokPerSec`]: round(engineP50, 2),
      [`${k}BandwidthGBps`]: round(mbw.p50, 2),
      [`${k}RooflineTokPerSec`]: round(1000 / rooflineMs, 2),
      [`${k}EffectiveGBps`]: round(m.bytes.total / ms.p50 / 1e6, 2),
      [`${k}Fraction`]: round(rooflineMs / ms.p50, 3),
      [`${k}FractionP95Slow`]: round(rooflineMs / ms.p95, 3),
      [`${k}FractionPairedP50`]: round(paired.p50, 3),
      [`${k}FractionPairedMinMax`]: `${paired.min.toFixed(3)}–${paired.max.toFixed(3)}`,
      [`${k}MsPerToken`]: round(ms.p50, 3),
      [`${k}RooflineMsPerToken`]: round(rooflineMs, 3),
      [`${k}OverheadMsPerToken`]: round(ms.p50 - rooflineMs, 3),
      [`${k}DecodeAARatio`]: round(aaRatio, 3),
    });
  }
  const [small, large] = perModel;
  if (small && large) {
    // Both models have 6 layers (same ops a token): ms/token = fixed + bytes ÷ effective bandwidth, two points.
    const slope = (large.ms.p50 - small.ms.p50) / (large.m.bytes.total - small.m.bytes.total); // ms per byte
    summary.fitEffectiveGBps = round(1 / slope / 1e6, 2);
    summary.fitFixedMsPerToken = round(small.ms.p50 - slope * small.m.bytes.total, 3);
    summary.largeGoal = `≥ ${LARGE_FRACTION_GOAL} of roofline: ${large.rooflineMs / large.ms.p50 >= LARGE_FRACTION_GOAL ? 'met' : 'not met'}`;
  }
  if (input.quick) summary.quick = 'yes (fewer passes and runs: development only)';
  return {
    rows,
    bandwidth,
    summary,
    bandwidthPasses: passes.map((p) => ({ ...p, wallMs: round(p.wallMs, 3), gbps: round(p.gbps, 3), threadMs: p.threadMs.map((x) => round(x, 3)) })),
    decodeRuns: models.flatMap((m) => m.runs.map((r) => ({ ...r, msPerToken: round(r.msPerToken, 4), tokPerSec: round(r.tokPerSec, 3), engineTokPerSec: round(r.engineTokPerSec, 3) }))),
    tokenBytes: Object.fromEntries(models.map((m) => [m.name, m.bytes])),
  };
}
