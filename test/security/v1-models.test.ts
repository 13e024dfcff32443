/**
 * Model URLs at the `/v1` endpoint (the page-side handler the service worker relays to), on a real
 * kernel with a real engine worker and the fixture server: a GGUF URL on another origin is refused
 * unless the user allowed that origin (nothing fetched, nothing registered), and is served once allowed
 * — through the desktop settings the endpoint reads by default; models registered through `/v1` are
 * capped (least recently used forgotten first) and expire when idle, so 300 distinct URLs never leave
 * 300 models listed. The other origin is the same fixture server under its other loopback name
 * (`localhost` ↔ `127.0.0.1`): another origin, and another site.
 */
import { afterAll, beforeAll, expect } from 'vitest';
import { connect, type LlmOsClient } from '../../src/api/openai/openai';
import { handleV1Request, type V1Request } from '../../src/api/v1/v1-handler';
import { V1Models, V1_MODEL_LIMITS } from '../../src/api/v1/v1-models';
import { DesktopSettings } from '../../src/desktop/services/desktop-settings';
import type { Kernel } from '../../src/kernel/kernel';
import { BAN_BYTES, fixtureKernel } from '../helpers/api';
import { faultCase } from '../faults/reliability';

const run = crypto.randomUUID().slice(0, 8);
const otherHost = location.hostname === 'localhost' ? '127.0.0.1' : 'localhost';
const remoteOrigin = `${location.protocol}//${otherHost}:${location.port}`;
const remoteUrl = (tag: string) => `${remoteOrigin}/fixtures/tiny.gguf?token=${run}-${tag}`;

let kernel: Kernel;
let client: LlmOsClient;
beforeAll(async () => {
  kernel = await fixtureKernel();
  client = connect({ appId: 'test.v1-models', kernel });
});
afterAll(() => kernel.shutdown());

async function call(req: V1Request, models?: V1Models, c: LlmOsClient = client) {
  let status = 0;
  let text = '';
  await handleV1Request(c, req, { head: (s) => { status = s; }, chunk: (t) => { text += t; }, end: () => {} }, new AbortController().signal, models);
  return { status, body: JSON.parse(text) };
}
const chat = (model: string, models?: V1Models, c?: LlmOsClient) => call({
  method: 'POST', path: '/v1/chat/completions',
  body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }], max_tokens: 3, temperature: 0, logit_bias: BAN_BYTES }),
}, models, c);
const registered = (id: string) => kernel.registeredModels().some((m) => m.id === id);
const hitsFor = async (tag: string) => ((await (await fetch('/fixtures/__hits')).json()) as { query: string }[]).filter((h) => h.query.includes(`${run}-${tag}`)).length;
const queuedJobs = () => kernel.events.history().filter((e) => e.type === 'job-queued').length;

faultCase('security: /v1 models', 'a GGUF URL on another origin that the user did not allow', '403 permission_error (param model, code permission_denied); the URL is never fetched, nothing registered, no job', async () => {
  const url = remoteUrl('refused');
  const jobs = queuedJobs();
  const r = await chat(url, new V1Models(kernel, { remoteOrigins: () => ['https://huggingface.co'] }));
  expect(r.status).toBe(403);
  expect(r.body.error).toMatchObject({ type: 'permission_error', code: 'permission_denied', param: 'model' });
  expect(r.body.error.message).toContain('Settings');
  expect(registered(url)).toBe(false);
  expect(queuedJobs()).toBe(jobs);
  expect(await hitsFor('refused')).toBe(0);
  // Protocol-relative and non-http references are refused the same way.
  for (const ref of [`//${otherHost}:${location.port}/fixtures/tiny.gguf`, 'data:application/octet-stream;base64,R0dVRg==#.gguf']) {
    expect((await chat(ref, new V1Models(kernel, { remoteOrigins: () => [] }))).status).toBe(403);
  }
});

faultCase('security: /v1 models', 'the same URL once the user allows its origin (desktop settings, read by the endpoint by default)', '200 completion; the model is registered; a same-origin URL needs no allow-list', async () => {
  const settings = new DesktopSettings();
  const before = settings.value.remoteModelOrigins;
  const url = remoteUrl('allowed');
  try {
    expect((await chat(url)).status).toBe(403);
    settings.update({ remoteModelOrigins: [`${remoteOrigin}/`] });
    expect(new DesktopSettings().value.remoteModelOrigins).toEqual([remoteOrigin]);
    const r = await chat(url);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ object: 'chat.completion', model: url, usage: { completion_tokens: 3 } });
    expect(registered(url)).toBe(true);
    expect(await hitsFor('allowed')).toBeGreaterThan(0);
  } finally {
    settings.update({ remoteModelOrigins: before });
  }
  const same = `/fixtures/tiny.gguf?token=${run}-same`;
  expect((await chat(same, new V1Models(kernel, { remoteOrigins: () => [] }))).status).toBe(200);
}, 60_000);

faultCase('security: /v1 models', '300 distinct model URLs through /v1', `at most ${V1_MODEL_LIMITS.maxModels} of them stay registered and listed by GET /v1/models (least recently used forgotten first)`, async () => {
  const models = new V1Models(kernel);
  const baseline = kernel.registeredModels().length;
  // A process allowed only `tiny`: each request registers its URL, then the kernel refuses the job —
  // 300 registrations without 300 model loads.
  const limited = connect({ appId: 'test.v1-models-flood', kernel, quota: { allowedModels: ['tiny'] } });
  try {
    for (let i = 0; i < 300; i++) {
      const r = await chat(`/fixtures/tiny.gguf?token=${run}-flood-${i}`, models, limited);
      expect(r.status).toBe(403); // the process quota, after registration
    }
  } finally {
    limited.close();
  }
  expect(models.tracked).toHaveLength(V1_MODEL_LIMITS.maxModels);
  expect(models.tracked[0]).toContain('flood-284');
  expect(kernel.registeredModels().length).toBeLessThanOrEqual(baseline + V1_MODEL_LIMITS.maxModels);
  const listed = (await call({ method: 'GET', path: '/v1/models', body: null }, models)).body.data as { id: string }[];
  expect(listed.filter((m) => m.id.includes(`${run}-flood-`))).toHaveLength(V1_MODEL_LIMITS.maxModels);
  expect(registered(`/fixtures/tiny.gguf?token=${run}-flood-0`)).toBe(false);
  expect(registered(`/fixtures/tiny.gguf?token=${run}-flood-299`)).toBe(true);
}, 120_000);

faultCase('security: /v1 models', 'URL models registered through /v1, idle, then used again', 'forgotten after the idle time (1 h by default); a recently used one survives the cap; the page\'s own models are never touched', async () => {
  let now = 1_000_000;
  const models = new V1Models(kernel, { maxModels: 2, idleMs: 60_000, now: () => now });
  const url = (n: string) => `/fixtures/tiny.gguf?token=${run}-idle-${n}`;
  await models.admit(url('a'));
  await models.admit(url('b'));
  await models.admit(url('a')); // a is now the most recently used
  await models.admit(url('c')); // over the cap: b goes
  expect([registered(url('a')), registered(url('b')), registered(url('c'))]).toEqual([true, false, true]);
  now += 30_000;
  await models.admit(url('c'));
  now += 30_001; // a idle for 60 001 ms, c for 30 001 ms
  models.sweep();
  expect([registered(url('a')), registered(url('c'))]).toEqual([false, true]);
  now += 60_000;
  models.sweep();
  expect(models.tracked).toEqual([]);
  expect(registered(url('c'))).toBe(false);
  // `tiny` was registered by the page (by id), `/fixtures/tiny.gguf` by URL through the page's API.
  await models.admit('tiny');
  expect(registered('tiny')).toBe(true);
  expect(models.tracked).toEqual([]);
});
