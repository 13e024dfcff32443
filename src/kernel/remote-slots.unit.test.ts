/**
 * Remote models in the scheduler, on simulated time (SimEngine): they cost no memory and take slots of
 * their own beyond the device's slot budget, so remote work never displaces local models and a one-slot
 * device runs a local and a remote job at once. Their slots come and go with their registrations.
 */
import { describe, expect, test } from 'vitest';
import { drain, simKernel } from './testing/sim-kernel';

const P = (prompt: string, maxTokens = 20) => ({ prompt, params: { maxTokens } });
const remote = (id: string, sequences = 2) => ({
  id, engine: 'remote' as const, source: { kind: 'remote' as const, id, endpoints: [] }, weightBytes: 0, kvBytes: 0, overheadBytes: 0, sequences,
});

describe('remote models in the scheduler', () => {
  test('a one-slot device runs a local and a remote job at once; the local model is never evicted for the remote one', async () => {
    const { clock, kernel, device } = await simKernel({ slots: 1, ramMB: 100, models: { a: { mb: 60, msPerToken: 10 }, r: { mb: 0, msPerToken: 10 } } });
    kernel.registerModel(remote('r'));
    const pid = kernel.spawn({ name: 'app' }, { priority: 'normal' });
    const ja = drain(kernel.submit({ pid, model: 'a', ...P('local', 40) }));
    const jr = [0, 1].map((i) => drain(kernel.submit({ pid, model: 'r', ...P(`remote ${i}`, 40) })));
    await clock.advance(300);
    // Both models resident, three jobs running together: the local one and the remote model's batch of two.
    expect(kernel.models().map((m) => m.id).sort()).toEqual(['a', 'r']);
    expect(kernel.jobs().filter((j) => j.state === 'running')).toHaveLength(3);
    expect(kernel.models().find((m) => m.id === 'r')).toMatchObject({ ramBytes: 0, vramBytes: 0 });
    await clock.runUntil(() => ja.settled && jr.every((j) => j.settled), 10_000);
    expect(kernel.events.history().filter((e) => e.type === 'model-evicted')).toHaveLength(0);
    expect(device.violations).toHaveLength(0);
    kernel.shutdown();
  });

  test('registered as a local engine, the same model competes for the one slot (the control)', async () => {
    const { clock, kernel } = await simKernel({ slots: 1, ramMB: 100, models: { a: { mb: 60, msPerToken: 10 }, r: { mb: 0, msPerToken: 10 } } });
    const pid = kernel.spawn({ name: 'app' }, { priority: 'normal' });
    drain(kernel.submit({ pid, model: 'a', ...P('local', 40) }));
    drain(kernel.submit({ pid, model: 'r', ...P('remote', 40) }));
    await clock.advance(300);
    expect(kernel.models()).toHaveLength(1);
    kernel.shutdown();
  });

  test('one slot per remote model: three models on a one-slot device are resident together', async () => {
    const { clock, kernel } = await simKernel({ slots: 1, ramMB: 100, models: { a: { mb: 60 }, r: { mb: 0 }, s: { mb: 0 } } });
    kernel.registerModel(remote('r'));
    kernel.registerModel(remote('s'));
    const pid = kernel.spawn({ name: 'app' }, { priority: 'normal' });
    const jobs = ['a', 'r', 's'].map((m) => drain(kernel.submit({ pid, model: m, ...P(m, 5) })));
    await clock.runUntil(() => jobs.every((j) => j.settled), 10_000);
    expect(kernel.models().map((m) => m.slot).sort()).toEqual([0, 1, 2]);
    expect(kernel.events.history().filter((e) => e.type === 'model-evicted')).toHaveLength(0);
    kernel.shutdown();
  });
});
