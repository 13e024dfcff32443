/**
 * Part 2 — chat TTFT of turn 10 ÷ turn 1: user turns of 100 characters, greedy replies of 50 tokens,
 * each reply appended to the history as the assistant message. The one-character fixture makes a
 * reply tokenise back to the ids it was generated as, as a real model's reply nearly always does, so
 * llama.cpp can reuse the whole history from its cache (a word-piece random model's would not).
 * Cases: one conversation; two processes alternating turn by turn on the one model, each with its
 * own conversation (5 single conversations, 3 pairs: 6 samples). A/A control: a fresh conversation's first turn, right after turn 10, ÷ turn 1.
 * The kernel of part 1 (jobsPerSlot 1: here one job runs at a time anyway), the model's 4 llama.cpp
 * sequences (its default) of nCtx 2048 each, so each conversation can keep its own KV cache.
 */
import type { Kernel } from '../../src/kernel/kernel';
import type { ChatMessage } from '../../src/protocol/engine';
import type { JobResult } from '../../src/kernel/types';
import { log } from '../lib/page-utils';
import { consume, uniqueTag } from '../kernel-overhead/kernel-bench-utils';
import { CHARS, QUICK, charsGreedy, dist, overview, range, type OverviewRow } from './common';

const TURNS = 10;
const USER_CHARS = 100;
const REPLY_TOKENS = 50;
/** Single conversations; pairs (two conversations each, so 6 samples of the pair). */
const REPS = QUICK ? 1 : 5;
const PAIR_REPS = QUICK ? 1 : 3;
const FILLER = 'the of and to in is was for it with as on be at by had are but from or have an they which one you were all she there would their we him been has when who will more no if out so said what up its about into than them can only other new some could time these two may then do first any my now such like our over man'.split(' ');

/** A user message of exactly USER_CHARS characters, unique per `i` (a leading tag, then words). */
function userText(i: number): string {
  let s = uniqueTag(i);
  for (let k = 0; s.length < USER_CHARS; k++) s += ' ' + FILLER[(i * 7 + k * 13 + ((i * k) % 5)) % FILLER.length];
  return s.slice(0, USER_CHARS);
}

interface Turn { ttft: number; result: JobResult }

class Conversation {
  readonly history: ChatMessage[] = [];
  constructor(private readonly kernel: Kernel, readonly pid: number) {}
  async turn(i: number): Promise<Turn> {
    this.history.push({ role: 'user', content: userText(i) });
    const h = this.kernel.submit({ pid: this.pid, model: CHARS.id, messages: [...this.history], params: charsGreedy(REPLY_TOKENS) });
    const c = await consume(h, performance.now());
    this.history.push({ role: 'assistant', content: c.result.text });
    return { ttft: c.ttft, result: c.result };
  }
}

interface Sample { turn1: number; turn10: number; control: number; prompt10: number; cached10: number; evaluated1: number; evaluated10: number }

/** `kernel`: `CHARS` registered and warm (part 1 ran on it). */
export async function chatPart(kernel: Kernel): Promise<{ rows: Record<string, string | number>[]; overview: OverviewRow[] }> {
  const pids = ['chat 1', 'chat 2', 'chat 3'].map((name) => kernel.spawn({ name }, { priority: 'interactive' }));
  let seq = 1000;
  const evaluated = (r: JobResult) => r.usage.promptTokens - (r.usage.cachedTokens ?? 0);
  const sample = (t: Turn[], control: Turn): Sample => ({
    turn1: t[0]!.ttft, turn10: t[TURNS - 1]!.ttft, control: control.ttft,
    prompt10: t[TURNS - 1]!.result.usage.promptTokens, cached10: t[TURNS - 1]!.result.usage.cachedTokens ?? 0,
    evaluated1: evaluated(t[0]!.result), evaluated10: evaluated(t[TURNS - 1]!.result),
  });
  for (let i = 0; i < 2; i++) await new Conversation(kernel, pids[2]!).turn(seq++); // the chat path warm too
  const single: Sample[] = [], pair: Sample[] = [];
  for (let rep = 0; rep < REPS; rep++) {
    const one = new Conversation(kernel, pids[0]!);
    const turns: Turn[] = [];
    for (let t = 0; t < TURNS; t++) turns.push(await one.turn(seq++));
    single.push(sample(turns, await new Conversation(kernel, pids[2]!).turn(seq++)));
    log('chat single', rep, JSON.stringify(single.at(-1)), turns.map((x) => x.ttft.toFixed(0)).join(' '));
    if (rep >= PAIR_REPS) continue;

    const a = new Conversation(kernel, pids[0]!), b = new Conversation(kernel, pids[1]!);
    const ta: Turn[] = [], tb: Turn[] = [];
    for (let t = 0; t < TURNS; t++) { ta.push(await a.turn(seq++)); tb.push(await b.turn(seq++)); }
    const control = await new Conversation(kernel, pids[2]!).turn(seq++);
    pair.push(sample(ta, control), sample(tb, control));
    log('chat pair', rep, JSON.stringify(pair.slice(-2)), ta.map((x) => x.ttft.toFixed(0)).join(' '), '|', tb.map((x) => x.ttft.toFixed(0)).join(' '));
  }
  const rows: Record<string, string | number>[] = [];
  const ov: OverviewRow[] = [];
  for (const [name, xs, goal, before] of [
    ['one conversation', single, '≤ 1.3', '2.77'], ['two processes alternating', pair, '≤ 1.5', '17.7'],
  ] as const) {
    const ratio = xs.map((s) => s.turn10 / s.turn1);
    const aa = xs.map((s) => s.control / s.turn1);
    const d = dist(ratio), a = dist(aa);
    rows.push({
      case: name, samples: xs.length, 'turn 1 TTFT ms p50': dist(xs.map((s) => s.turn1), 1).p50, 'turn 10 TTFT ms p50': dist(xs.map((s) => s.turn10), 1).p50,
      'turn 10 ÷ turn 1 p50': d.p50, p95: d.p95, 'min–max': `${d.min}–${d.max}`,
      'A/A: fresh turn 1 ÷ turn 1 p50': a.p50, 'A/A range': `${a.min}–${a.max}`,
      'turn 10 prompt tokens': range(xs.map((s) => s.prompt10)), 'turn 10 cached ÷ prompt p50': dist(xs.map((s) => s.cached10 / s.prompt10)).p50,
      'evaluated tokens turn 1 / turn 10': `${range(xs.map((s) => s.evaluated1))} / ${range(xs.map((s) => s.evaluated10))}`,
      goal, before,
    });
    ov.push(overview(`2. chat TTFT turn 10 ÷ turn 1, ${name}`, ratio, aa, 'a fresh turn 1 after turn 10 ÷ turn 1', goal, before));
  }
  return { rows, overview: ov };
}
