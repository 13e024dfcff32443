/**
 * A page of another origin cannot use the kernel unless the app allows it: the cross-origin bridge
 * (`bridge.html` / `serveCrossOriginBridge`) with two real origins on one server — this test page at
 * 127.0.0.1 and the app frame at localhost — real kernels and engine workers inside the frames.
 * Also per-app isolation *through* the bridge: the granted app id sees only its own data.
 */
import { afterAll, describe, expect } from 'vitest';
import { connectCrossOrigin, type CrossOriginClient } from '../../src/api/bridge/bridge-client';
import { BRIDGE_HELLO, BRIDGE_WELCOME } from '../../src/api/bridge/bridge-protocol';
import { ERROR_TEXT, LlmOsError, PermissionError, TimeoutError } from '../../src/errors';
import { faultCase } from '../faults/reliability';
import { BAN_BYTES } from '../helpers/api';
import { OTHER, SELF, frame, nextMessage, removeFrames } from './frames';

const MODEL = '/fixtures/tiny.gguf';
const ask = (content: string, max = 3) => ({ model: MODEL, messages: [{ role: 'user' as const, content }], max_tokens: max, temperature: 0, logit_bias: BAN_BYTES });
const run = crypto.randomUUID().slice(0, 8);
const hostUrl = (grants: unknown[], seed = false, same = '') => `${OTHER}/test/pages/bridge-host.html#${new URLSearchParams({
  allow: JSON.stringify(grants), db: `bridge-${run}`, kg: `bridge-kg-${run}`, ...(seed ? { seed: '1' } : {}), ...(same ? { same } : {}),
})}`;

async function expectCode(p: Promise<unknown>, Cls: typeof LlmOsError, code: string): Promise<LlmOsError> {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(Cls);
  expect((err as LlmOsError).code).toBe(code);
  expect(ERROR_TEXT[code]).toBeTruthy();
  return err as LlmOsError;
}

afterAll(removeFrames);

describe('cross-origin bridge: same-origin by default, an allow-list for other origins', () => {
  faultCase('security: cross-origin', 'another origin without a grant cannot use the kernel (the real bridge.html)', 'PermissionError PERMISSION_DENIED; no port handed over', async () => {
    const f = await frame(`${OTHER}/bridge.html`);
    const err = await expectCode(connectCrossOrigin(f, OTHER, { timeoutMs: 20_000 }), PermissionError, 'PERMISSION_DENIED');
    expect(err.details.origin).toBe(SELF);
  }, 60_000);

  faultCase('security: cross-origin', 'the same origin is served by default (the real bridge.html)', 'connected as llmos.bridge; a completion runs', async () => {
    const f = await frame(`${SELF}/bridge.html`);
    const client = await connectCrossOrigin(f, SELF, { timeoutMs: 20_000 });
    expect(client.appId).toBe('llmos.bridge');
    const r = await client.chat.completions.create(ask('hello', 3));
    expect(r.usage.completion_tokens).toBe(3);
    client.close();
  }, 60_000);

  faultCase('security: cross-origin', 'an allow-listed origin of another site is connected as the app id of its grant', 'connected as site.b; foreign model URLs and (storage-less here) data refused typed', async () => {
    const f = await frame(hostUrl([{ origin: SELF, appId: 'site.b' }]), { id: 'allowed' });
    const client = await connectCrossOrigin(f, OTHER, { timeoutMs: 20_000 });
    expect(client.appId).toBe('site.b');
    expect(await client.models.list()).toEqual([]);
    // Model URLs of other origins are refused: the frame would fetch them with its own origin.
    await expectCode(client.chat.completions.create({ ...ask('x'), model: 'https://example.com/evil.gguf' }), PermissionError, 'PERMISSION_DENIED');
    // This browser denies a frame of another site storage (and Web Locks): the data methods are refused
    // with a PermissionError naming the reason (src/api/app-data.ts), never an empty or partitioned view.
    const refused = await expectCode(client.conversations.list(), PermissionError, 'PERMISSION_DENIED');
    expect(refused.details).toMatchObject({ reason: 'storage-unavailable' });
    client.close();
  }, 60_000);

  faultCase('security: cross-origin', 'a bridge client on the same origin runs completions (JSON, stream, early stop)', 'as the grant\'s app id; a stream stopped early cancels its job', async () => {
    const f = await frame(hostUrl([], false, 'site.c').replace(OTHER, SELF));
    const client = await connectCrossOrigin(f, SELF, { timeoutMs: 20_000 });
    expect(client.appId).toBe('site.c');
    const whole = await client.chat.completions.create(ask('hi there', 4));
    expect(whole.choices[0]!.finish_reason).toBe('length');
    expect(whole.usage.completion_tokens).toBe(4);
    const stream = await client.chat.completions.create({ ...ask('hi there', 4), stream: true });
    let text = '';
    for await (const c of stream) text += c.choices[0]?.delta.content ?? '';
    expect(text).toBe(whole.choices[0]!.message.content);
    const long = await client.chat.completions.create({ ...ask('go on', 400), stream: true });
    let n = 0;
    for await (const _c of long) if (++n === 3) break;
    expect((await client.chat.completions.create(ask('again', 2))).usage.completion_tokens).toBe(2);
    expect((await client.models.list()).map((m) => m.id)).toEqual([MODEL]);
    client.close();
  }, 60_000);

  let embedded: CrossOriginClient;
  faultCase('security: per-app isolation', 'through the bridge, app site.b cannot read or overwrite app chat\'s conversation', 'get → absent, list → own only, put/delete → PermissionError; the record survives', async () => {
    // Embedded same-origin (storage available), the embedder runs as app id site.b.
    const f = await frame(hostUrl([], true, 'site.b').replace(OTHER, SELF));
    embedded = await connectCrossOrigin(f, SELF, { timeoutMs: 20_000 });
    expect(embedded.appId).toBe('site.b');
    expect(await embedded.conversations.get('secret-1')).toBeUndefined();
    expect(await embedded.conversations.list()).toEqual([]);
    await expectCode(embedded.conversations.put({ id: 'secret-1', title: 'mine now', messages: [], createdAt: 1 }), PermissionError, 'PERMISSION_DENIED');
    await expectCode(embedded.conversations.put({ id: 'x1', appId: 'chat', title: 't', messages: [], createdAt: 1 }), PermissionError, 'PERMISSION_DENIED');
    await expectCode(embedded.conversations.delete('secret-1'), PermissionError, 'PERMISSION_DENIED');
    const own = await embedded.conversations.put({ id: 'b-1', title: 'mine', messages: [{ role: 'user', content: 'hi' }], createdAt: 1 });
    expect(own).toMatchObject({ appId: 'site.b', revision: expect.any(Number) });
    expect((await embedded.conversations.list()).map((c) => c.id)).toEqual(['b-1']);
    // Positive control: embedded as app id `chat`, the same stored data is there (so the test can fail).
    const g = await frame(hostUrl([], false, 'chat').replace(OTHER, SELF));
    const chat = await connectCrossOrigin(g, SELF, { timeoutMs: 20_000 });
    expect((await chat.conversations.get('secret-1'))?.messages[0]?.content).toBe('my secret');
    expect((await chat.conversations.list()).map((c) => c.id)).toEqual(['secret-1']);
    expect(JSON.parse(await chat.graph.export()).nodes.length).toBe(2);
    chat.close();
  }, 60_000);

  faultCase('security: per-app isolation', 'through the bridge, app site.b cannot read app chat\'s graph namespace or the user\'s', 'own namespace exports; app:chat and user → PermissionError', async () => {
    const own = JSON.parse(await embedded.graph.export()) as { attributes: { namespace: string }; nodes: unknown[] };
    expect(own.attributes.namespace).toBe('app:site.b');
    expect(own.nodes).toEqual([]);
    await expectCode(embedded.graph.export('app:chat'), PermissionError, 'PERMISSION_DENIED');
    await expectCode(embedded.graph.export('user'), PermissionError, 'PERMISSION_DENIED');
    embedded.close();
  }, 30_000);

  faultCase('security: cross-origin', 'a hello from a window that is not the frame\'s parent is ignored', 'no answer, no port', async () => {
    const target = document.getElementById('allowed') as HTMLIFrameElement;
    // A sibling frame of this (allowed!) origin posts the hello: the bridge answers only its parent.
    const srcdoc = `<script>
      const t = parent.document.getElementById('allowed').contentWindow;
      addEventListener('message', (e) => parent.postMessage({ sibling: e.data && e.data.type }, '*'));
      t.postMessage({ type: '${BRIDGE_HELLO}', version: 1, nonce: 'sibling' }, '${OTHER}');
      setTimeout(() => parent.postMessage({ sibling: 'silence' }, '*'), 2000);
    </script>`;
    expect(target).toBeTruthy();
    const heard = nextMessage((ev) => typeof ev.data === 'object' && ev.data !== null && 'sibling' in ev.data, 10_000);
    await frame('', { srcdoc });
    expect((await heard)?.data).toEqual({ sibling: 'silence' });
  }, 30_000);

  faultCase('security: cross-origin', 'forged welcomes (right window wrong origin, wrong window right origin) are not accepted', 'TimeoutError; no forged port used', async () => {
    // The decoy is a same-origin frame, so the test can read the nonce the client sends it.
    const decoy = await frame('', { srcdoc: '<p>decoy</p>' });
    let nonce = '';
    const win = decoy.contentWindow as Window & { postMessage: Window['postMessage'] };
    const post = win.postMessage.bind(win);
    win.postMessage = ((msg: { nonce?: string }, ...rest: unknown[]) => { nonce ||= msg?.nonce ?? ''; return (post as (...a: unknown[]) => void)(msg, ...rest); }) as never;
    const connecting = connectCrossOrigin(decoy, OTHER, { timeoutMs: 3000 });
    expect(nonce).not.toBe('');
    const forged = (appId: string) => ({ type: BRIDGE_WELCOME, version: 1, appId, nonce });
    // 1. From the decoy itself (the right window) but at 127.0.0.1, not the app origin.
    (decoy.contentWindow as unknown as { eval(s: string): void }).eval(
      `parent.postMessage(${JSON.stringify(forged('forged-wrong-origin'))}, '*', [new MessageChannel().port2])`);
    // 2. From this window (wrong window, wrong origin).
    window.postMessage(forged('forged-self'), '*', [new MessageChannel().port2]);
    // 3. From another window at the app's origin (right origin, wrong window).
    await frame(`${OTHER}/test/pages/bridge-forger.html#nonce=${nonce}`);
    await expectCode(connecting, TimeoutError, 'TIMEOUT');
  }, 30_000);

  faultCase('security: cross-origin', 'an opaque-origin (sandboxed) embedder is refused even when its parent origin is allowed', 'no answer, no port', async () => {
    const srcdoc = `<iframe id="b" allow="cross-origin-isolated" src="${hostUrl([{ origin: SELF, appId: 'site.b' }])}"></iframe><script>
      const f = document.getElementById('b');
      addEventListener('message', (e) => { if (e.source === f.contentWindow) parent.postMessage({ sandboxed: e.data && e.data.type, ports: e.ports.length }, '*'); });
      f.onload = () => {
        const hello = () => f.contentWindow.postMessage({ type: '${BRIDGE_HELLO}', version: 1, nonce: 'sandboxed' }, '${OTHER}');
        hello(); setTimeout(hello, 500); setTimeout(hello, 1500);
        setTimeout(() => parent.postMessage({ sandboxed: 'silence' }, '*'), 4000);
      };
    </script>`;
    const heard = nextMessage((ev) => typeof ev.data === 'object' && ev.data !== null && 'sandboxed' in ev.data, 20_000);
    await frame('', { srcdoc, sandbox: 'allow-scripts' });
    expect((await heard)?.data).toEqual({ sandboxed: 'silence' });
  }, 40_000);
});
