/** `<llmos-settings>` on a phone-sized width: its tables stack, nothing needs a sideways scroll. */
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import './define';
import type { LlmosSettings } from './llmos-settings';
import { disposeServices, mount, testServices } from '../../../test/helpers/desktop';

type Services = Awaited<ReturnType<typeof testServices>>;

describe('<llmos-settings> 360 px wide', () => {
  let services: Services;
  beforeEach(async () => { services = await testServices(); });
  afterEach(async () => {
    document.body.replaceChildren();
    await disposeServices(services);
  });

  test('the apps table stacks: every select on screen and labelled; wide again, a table', async () => {
    const el = await mount<LlmosSettings>('llmos-settings', { services });
    el.style.width = '360px';
    await new Promise((r) => requestAnimationFrame(r));
    const host = el.getBoundingClientRect();
    const table = el.shadowRoot!.querySelector<HTMLTableElement>('table.apps')!;
    const selects = [...table.querySelectorAll('select')];
    expect(selects.length).toBeGreaterThanOrEqual(4);
    for (const s of selects) {
      const r = s.getBoundingClientRect();
      expect(r.width).toBeGreaterThan(0);
      expect(r.right).toBeLessThanOrEqual(host.right + 0.5);
    }
    expect(el.scrollWidth).toBeLessThanOrEqual(el.clientWidth + 1);
    const cell = selects[0]!.closest('td')!;
    expect(getComputedStyle(cell, '::before').content).toBe('"Default model"');
    el.style.width = '1100px';
    await new Promise((r) => requestAnimationFrame(r));
    expect(getComputedStyle(table.querySelector('tbody tr')!).display).toBe('table-row');
  });
});
