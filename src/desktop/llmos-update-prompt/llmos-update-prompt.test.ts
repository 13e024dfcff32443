import { afterEach, describe, expect, test } from 'vitest';
import './define';
import type { LlmosUpdatePrompt } from './llmos-update-prompt';

afterEach(() => document.body.replaceChildren());

describe('<llmos-update-prompt>', () => {
  test('a waiting version: an alert with Reload (fires llmos-update-accept) and Later (hides)', async () => {
    const el = document.createElement('llmos-update-prompt') as LlmosUpdatePrompt;
    document.body.append(el);
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[part="notice"]')).toBeNull();
    el.needRefresh = true;
    await el.updateComplete;
    const notice = el.shadowRoot!.querySelector('[part="notice"]')!;
    expect(notice.getAttribute('role')).toBe('alert');
    expect(notice.textContent).toContain('A new version of LLM OS is ready.');
    let accepted = 0;
    document.addEventListener('llmos-update-accept', () => accepted++, { once: true });
    notice.querySelector<HTMLButtonElement>('button.primary')!.click();
    expect(accepted).toBe(1);
    [...notice.querySelectorAll('button')].find((b) => b.textContent === 'Later')!.click();
    await el.updateComplete;
    expect(el.needRefresh).toBe(false);
    expect(el.shadowRoot!.querySelector('[part="notice"]')).toBeNull();
  });

  test('offline ready: a status notice that OK dismisses', async () => {
    const el = document.createElement('llmos-update-prompt') as LlmosUpdatePrompt;
    el.offlineReady = true;
    document.body.append(el);
    await el.updateComplete;
    const notice = el.shadowRoot!.querySelector('[part="notice"]')!;
    expect(notice.getAttribute('role')).toBe('status');
    expect(notice.textContent).toContain('works offline');
    notice.querySelector('button')!.click();
    await el.updateComplete;
    expect(el.hasAttribute('offline-ready')).toBe(false);
  });
});
