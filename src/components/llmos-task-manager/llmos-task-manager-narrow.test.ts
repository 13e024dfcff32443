/** `<llmos-task-manager>` on a phone-sized width: processes as cards, nothing off-screen. */
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import './define';
import type { LlmosTaskManager } from './llmos-task-manager';
import { randomFixtureDefaults as fixtureParams } from '../../api/model-ref';
import { addFixtureModel, disposeServices, mount, testServices } from '../../../test/helpers/desktop';

type Services = Awaited<ReturnType<typeof testServices>>;

describe('<llmos-task-manager> 360 px wide', () => {
  let services: Services;
  beforeEach(async () => {
    services = await testServices({ slots: 1 });
    await addFixtureModel(services, 'tiny');
  });
  afterEach(async () => {
    document.body.replaceChildren();
    await disposeServices(services);
  });

  test('each process is a labelled card: End and the priority menu are on screen, no sideways scroll', async () => {
    const k = services.kernel;
    const pid = k.spawn({ name: 'A chat with a rather long name', appId: 'chat' }, { priority: 'normal' });
    await k.submit({ pid, model: 'tiny', prompt: 'one', params: { ...fixtureParams(), maxTokens: 8 } }).result;
    const tm = await mount<LlmosTaskManager>('llmos-task-manager', { kernel: k, interval: 100 });
    tm.style.width = '360px';
    tm.style.display = 'flex';
    await new Promise((r) => requestAnimationFrame(r));
    const host = tm.getBoundingClientRect();
    const row = tm.shadowRoot!.querySelector<HTMLElement>(`tbody tr[data-pid="${pid}"]`)!;
    const inside = (el: Element) => {
      const r = el.getBoundingClientRect();
      return r.width > 0 && r.left >= host.left - 0.5 && r.right <= host.right + 0.5;
    };
    expect(getComputedStyle(row).display).toBe('grid');
    expect(inside(row.querySelector('button.end')!)).toBe(true);
    expect(inside(row.querySelector('select')!)).toBe(true);
    expect(tm.scrollWidth).toBeLessThanOrEqual(tm.clientWidth + 1);
    const wrap = tm.shadowRoot!.querySelector<HTMLElement>('.table-wrap')!;
    expect(wrap.scrollWidth).toBeLessThanOrEqual(wrap.clientWidth + 1);
    // Every value says what it is (the header row is for screen readers only now).
    const tokens = row.querySelector('[data-col="tokens"]')!;
    expect(getComputedStyle(tokens, '::before').content).toBe('"Tokens"');
    expect(tm.shadowRoot!.querySelector('thead')!.getBoundingClientRect().width).toBeLessThanOrEqual(1);
    // Wide again: a table row.
    tm.style.width = '1100px';
    await new Promise((r) => requestAnimationFrame(r));
    expect(getComputedStyle(row).display).toBe('table-row');
  });
});
