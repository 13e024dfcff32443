import { describe, expect, test } from 'vitest';
import { KvLedger } from './kv-ledger';

describe('KvLedger', () => {
  test('a process holds its last context on a model while among its `sequences` most recent users', () => {
    const kv = new KvLedger();
    kv.record('m', 1, 300, 2);
    kv.record('m', 2, 200, 2);
    expect(kv.holdings(1)).toEqual([{ model: 'm', tokens: 300 }]);
    kv.record('m', 1, 420, 2); // its next turn: the longer context replaces the shorter
    expect(kv.holdings(1)).toEqual([{ model: 'm', tokens: 420 }]);
    kv.record('m', 3, 50, 2); // a third user takes the least recently used sequence: process 2's
    expect(kv.holdings(2)).toEqual([]);
    expect(kv.holdings(1)).toEqual([{ model: 'm', tokens: 420 }]);
    expect(kv.holdings(3)).toEqual([{ model: 'm', tokens: 50 }]);
  });

  test('per model; forgotten when the model leaves memory or the process exits; empty runs change nothing', () => {
    const kv = new KvLedger();
    kv.record('a', 1, 10, 4);
    kv.record('b', 1, 20, 1);
    kv.record('b', 1, 0, 1);
    expect(kv.holdings(1)).toEqual([{ model: 'a', tokens: 10 }, { model: 'b', tokens: 20 }]);
    kv.dropModel('a');
    expect(kv.holdings(1)).toEqual([{ model: 'b', tokens: 20 }]);
    kv.record('b', 2, 5, 1);
    expect(kv.holdings(1)).toEqual([]);
    kv.dropProcess(2);
    expect(kv.holdings(2)).toEqual([]);
  });
});
