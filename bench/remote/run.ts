/**
 * `npx tsx bench/remote/run.ts` — see main.ts for what it measures. Starts real OpenAI-compatible servers
 * (llama.cpp through node-llama-cpp, `test/remote-server/`) on 127.0.0.1 for the fixtures, runs the page
 * against them, and stops them.
 */
import { generateFixtures } from '../../test/fixtures/generate.ts';
import { startServer, stopAll } from '../../test/remote-server/manager.ts';
import { printTable, runBenchPage } from '../lib/harness.ts';

generateFixtures();
try {
  const servers: Record<string, string> = {};
  for (const model of ['tiny-chars', 'bench-40m-chars']) {
    servers[model] = (await startServer({ name: `bench-${model}`, model: `${model}.gguf`, modelName: model })).url;
  }
  // The dev server's CSP lets the page reach these http: servers (the service worker's job in the app).
  process.env.LLMOS_CONNECT_ORIGINS = Object.values(servers).map((u) => new URL(u).origin).join(',');
  const out = await runBenchPage('remote', `bench/remote/index.html?servers=${encodeURIComponent(JSON.stringify(servers))}`, 1_200_000);
  printTable('remote: time to a routing decision', out.routing as Record<string, string | number>[]);
} finally {
  await stopAll();
}
