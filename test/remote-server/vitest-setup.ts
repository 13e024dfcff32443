/**
 * Vitest global setup: the remote test server manager (`manager.ts`) on 127.0.0.1:4191 for the whole run,
 * so Node and browser tests can start and kill OpenAI-compatible test servers through it. Vitest calls a
 * root `globalSetup` once per project in the same process; the count keeps one manager for all of them,
 * closed (with every server it started) by the last teardown.
 */
import { startManager } from './manager.ts';

interface Shared { refs: number; stop: Promise<() => Promise<void>> }
const KEY = Symbol.for('llmos.remoteServerManager');
const g = globalThis as unknown as Record<symbol, Shared | undefined>;

export default async function setup(): Promise<() => Promise<void>> {
  const shared = (g[KEY] ??= { refs: 0, stop: startManager() });
  shared.refs++;
  await shared.stop;
  return async () => {
    if (--shared.refs > 0) return;
    g[KEY] = undefined;
    await (await shared.stop)();
  };
}
