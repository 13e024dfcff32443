import { describe, expect, test } from 'vitest';
import { ReplayFilter } from './replay-filter';
import { ReplayDivergedError } from '../errors';
import type { GenerateResult, TokenEvent } from '../protocol/engine';

const usage = (completionTokens: number) => ({ promptTokens: 5, completionTokens, ttftMs: 1, decodeTokensPerSec: 1, prefillTokensPerSec: 1, totalMs: 1 });

function run(prefix: string | undefined, replayTokens: number | undefined, pieces: string[]) {
  const out: TokenEvent[] = [];
  const filter = ReplayFilter.for({ prompt: 'p', replayPrefix: prefix, replayTokens }, (t) => out.push(t));
  pieces.forEach((text, index) => filter!.push({ text, index }));
  return { filter: filter!, out };
}

describe('ReplayFilter', () => {
  test('no replay: no filter', () => {
    expect(ReplayFilter.for({ prompt: 'p' }, () => {})).toBeNull();
    expect(ReplayFilter.for({ prompt: 'p', replayPrefix: '', replayTokens: 0 }, () => {})).toBeNull();
  });

  test('swallows the replayed text, splitting a token that straddles it, and re-indexes from 0', () => {
    const { filter, out } = run(' alpha be', 3, [' alpha', ' be', 'ta', ' gamma']);
    expect(out).toEqual([{ text: 'ta', index: 0 }, { text: ' gamma', index: 1 }]);
    const whole: GenerateResult = { text: ' alpha beta gamma', stopReason: 'length', usage: usage(5) };
    const r = filter.result(whole);
    expect(r).toMatchObject({ text: 'ta gamma', stopReason: 'length', usage: { promptTokens: 5, completionTokens: 2 } });
  });

  test('a divergence is a ReplayDivergedError naming what was expected and what came', () => {
    const out: TokenEvent[] = [];
    const filter = ReplayFilter.for({ prompt: 'p', replayPrefix: ' alpha beta', replayTokens: 2 }, (t) => out.push(t))!;
    filter.push({ text: ' alpha', index: 0 });
    let err: unknown;
    try { filter.push({ text: ' delta', index: 1 }); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(ReplayDivergedError);
    expect(err).toMatchObject({ code: 'REPLAY_DIVERGED', message: 'Replay diverged from the preempted generation', details: { expected: ' beta', got: ' delt' } });
    expect(out).toEqual([]);
  });

  test('replayTokens without text (nothing was delivered) only corrects the token count', () => {
    const { filter, out } = run('', 2, ['', ' x']);
    expect(out).toEqual([{ text: '', index: 0 }, { text: ' x', index: 1 }]);
    expect(filter.result({ text: ' x', stopReason: 'stop', usage: usage(3) }).usage.completionTokens).toBe(1);
  });

  test('log probabilities are swallowed with the replayed text and passed on with new text', () => {
    const lp = (token: string) => [{ token, logprob: -1, bytes: null, top: [] }];
    const out: TokenEvent[] = [];
    const filter = ReplayFilter.for({ prompt: 'p', replayPrefix: ' alpha', replayTokens: 1, logprobs: 0 }, (t) => out.push(t))!;
    filter.push({ text: ' alpha', index: 0, logprobs: lp(' alpha') });
    filter.push({ text: ' beta', index: 1, logprobs: lp(' beta') });
    filter.push({ text: '', index: 2 });
    expect(out).toEqual([{ text: ' beta', index: 0, logprobs: lp(' beta') }, { text: '', index: 1 }]);
  });
});
