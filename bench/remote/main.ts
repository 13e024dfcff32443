/**
 * Remote engines: what the kernel path costs, and how fast a job is routed.
 *
 * 1. **Per-token overhead.** Decode tokens/s of a job on a remote model as its consumer sees them through
 *    `kernel.submit()` (engine worker → fetch → SSE parse → kernel → token stream), divided by the same
 *    server called directly from the page with `fetch` (the same SSE parser, `readChatStream`), the same
 *    request, back to back, alternating which goes first. The server is a real llama.cpp server
 *    (node-llama-cpp, `test/remote-server/`) on 127.0.0.1. Per-round ratios give p50 and p5 (the low tail)
 *    with their spread; an A/A control (direct ÷ direct, same pairing) shows the noise floor.
 * 2. **Time to a routing decision** when the local budget cannot fit the model: `routeJob()` for an app
 *    whose policy is `device-else-server`, a local model 64 GB large and a server mapping it (the grant
 *    already given), p50/p95 over many calls, with the decision for a model that fits as the control.
 */
import { routeJob, useRemoteServers } from '../../src/api/remote-routing';
import { readChatStream } from '../../src/engines/remote/openai-stream';
import { EngineClient } from '../../src/kernel/engine-client';
import { Kernel } from '../../src/kernel/kernel';
import { memorySettingsStore } from '../../src/kernel/settings-store';
import { RemoteServers } from '../../src/models/remote/remote-servers';
import { openLlmOsDb } from '../../src/storage/db';
import { percentile, round, spread } from '../lib/stats';
import { log, publish } from '../lib/page-utils';
import { CHARS_BIAS } from '../kernel-overhead/kernel-bench-utils';

const ROUNDS = 24;
const TOKENS = 320;
const ROUTES = 400;
const params = new URLSearchParams(location.search);
const servers = JSON.parse(params.get('servers') ?? '{}') as Record<string, string>;
const MESSAGES = [{ role: 'user' as const, content: 'Tell me about the model.' }];

function bodyFor(model: string, i: number) {
  return {
    model, stream: true, stream_options: { include_usage: true }, temperature: 0, max_tokens: TOKENS, ignore_eos: true, logit_bias: CHARS_BIAS,
    messages: [{ role: 'user', content: `${MESSAGES[0]!.content} (${i})` }],
  };
}

/** The same request straight to the server from the page. */
async function direct(url: string, model: string, i: number) {
  const t0 = performance.now();
  const res = await fetch(`${url}/chat/completions`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(bodyFor(model, i)) });
  let first = 0, last = 0, n = 0;
  for await (const c of readChatStream(res.body!)) {
    if (!c.content) continue;
    const now = performance.now();
    if (n++ === 0) first = now;
    last = now;
  }
  return { ttft: first - t0, decode: n > 1 ? ((n - 1) * 1000) / (last - first) : 0, tokens: n };
}

async function viaKernel(kernel: Kernel, pid: number, model: string, i: number) {
  const t0 = performance.now();
  const h = kernel.submit({
    pid, model, messages: [{ role: 'user', content: `${MESSAGES[0]!.content} (${i})` }],
    params: { temperature: 0, maxTokens: TOKENS, ignoreEos: true, logitBias: CHARS_BIAS, servers: ['s'] }, keepAliveMs: -1,
  });
  let first = 0, last = 0, n = 0;
  for await (const t of h.tokens) {
    if (!t.text) continue;
    const now = performance.now();
    if (n++ === 0) first = now;
    last = now;
  }
  await h.result;
  return { ttft: first - t0, decode: n > 1 ? ((n - 1) * 1000) / (last - first) : 0, tokens: n };
}

async function run() {
  const kernel = new Kernel({
    createEngine: async () => EngineClient.start(), settings: memorySettingsStore(), budget: { ramMB: 512, vramMB: 0, slots: 1 },
  });
  await kernel.ready;
  const pid = kernel.spawn({ name: 'bench', appId: 'bench' }, { priority: 'interactive' });
  const rows: Record<string, string | number>[] = [];
  const summary: Record<string, number | string> = { tokensPerRun: TOKENS, rounds: ROUNDS };
  for (const [model, url] of Object.entries(servers)) {
    const id = `remote:${model}`;
    kernel.registerModel({
      id, engine: 'remote', weightBytes: 0, kvBytes: 0, overheadBytes: 0, sequences: 1,
      source: { kind: 'remote', id, endpoints: [{ serverId: 's', name: 'bench', baseUrl: url, model, maxConcurrent: 1 }] },
    });
    // Warm-up: the worker, the server's model and both code paths.
    for (let i = 0; i < 2; i++) { await viaKernel(kernel, pid, id, 100 + i); await direct(url, model, 200 + i); }
    const ratio: number[] = [], aa: number[] = [], d: number[] = [], k: number[] = [], ttftDiff: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const order = i % 2 === 0 ? ['direct', 'kernel', 'control'] : ['control', 'kernel', 'direct'];
      const r: Record<string, Awaited<ReturnType<typeof direct>>> = {};
      for (const path of order) r[path] = path === 'kernel' ? await viaKernel(kernel, pid, id, i) : await direct(url, model, i);
      ratio.push(r.kernel!.decode / r.direct!.decode);
      aa.push(r.control!.decode / r.direct!.decode);
      d.push(r.direct!.decode); k.push(r.kernel!.decode);
      ttftDiff.push(r.kernel!.ttft - r.direct!.ttft);
    }
    const s = spread(ratio), a = spread(aa);
    rows.push({
      model, 'direct tok/s p50': round(percentile(d, 0.5), 1), 'kernel tok/s p50': round(percentile(k, 0.5), 1),
      'kernel ÷ direct p50': round(percentile(ratio, 0.5)), 'kernel ÷ direct p5': round(percentile(ratio, 0.05)),
      'spread q1–q3': `${round(s.q1)}–${round(s.q3)}`, 'A/A p50': round(percentile(aa, 0.5)), 'A/A q1–q3': `${round(a.q1)}–${round(a.q3)}`,
      'TTFT added p50 ms': round(percentile(ttftDiff, 0.5), 1),
    });
    summary[`${model}.ratioP50`] = round(percentile(ratio, 0.5));
    summary[`${model}.ratioP5`] = round(percentile(ratio, 0.05));
    summary[`${model}.aaP50`] = round(percentile(aa, 0.5));
    log(model, JSON.stringify(rows.at(-1)));
  }

  // Routing decision: a local model that can never fit, a server mapping it, the grant given.
  const [model, url] = Object.entries(servers)[0]!;
  const db = await openLlmOsDb(`llmos-bench-remote-${Date.now()}`);
  const remote = new RemoteServers(kernel, async () => db, { notifyServiceWorker: async () => {} });
  await remote.ready;
  useRemoteServers(kernel, remote);
  const server = await remote.add({ name: 'bench', baseUrl: url, modelMap: { 'huge-local': model, 'small-local': model } });
  await remote.grant('bench', server.id);
  await remote.setPolicy('bench', 'device-else-server');
  kernel.registerModel({ id: 'huge-local', engine: 'wllama', source: { kind: 'gguf-url', id: 'huge-local', url: '/x.gguf' }, weightBytes: 64 * 1024 ** 3 });
  kernel.registerModel({ id: 'small-local', engine: 'wllama', source: { kind: 'gguf-url', id: 'small-local', url: '/x.gguf' }, weightBytes: 1024 ** 2 });
  const app = { appId: 'bench', name: 'bench' };
  const routing: Record<string, string | number>[] = [];
  for (const local of ['huge-local', 'small-local']) {
    const ms: number[] = [];
    let target = '';
    for (let i = 0; i < ROUTES; i++) {
      const t0 = performance.now();
      target = (await routeJob(kernel, app, local, { temperature: 0 })).model;
      ms.push(performance.now() - t0);
    }
    routing.push({ 'local model': local, 'routed to': target, 'decision p50 ms': round(percentile(ms, 0.5), 3), 'decision p95 ms': round(percentile(ms, 0.95), 3), 'decision max ms': round(Math.max(...ms), 3) });
    summary[`route.${local}.p50Ms`] = round(percentile(ms, 0.5), 3);
    summary[`route.${local}.p95Ms`] = round(percentile(ms, 0.95), 3);
    summary[`route.${local}.target`] = target;
  }
  summary.goal = 'kernel ÷ direct tokens/s ≥ 0.95; routing decision ≤ 50 ms';
  kernel.shutdown();
  db.close();
  publish({ rows, routing, summary });
}

run().catch((e: unknown) => publish({ rows: [], summary: {}, error: e instanceof Error ? `${e.message}\n${e.stack}` : String(e) }));
