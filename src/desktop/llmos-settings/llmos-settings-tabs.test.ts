/**
 * Budgets set in a tab that does not host the shared kernel: real `TabKernel`s in one page stand for
 * tabs (the first of a fresh namespace hosts); the other tab's `setBudget()` returns null and the
 * budget follows in the host's `budget-changed` event.
 */
import { afterEach, describe, expect, test } from 'vitest';
import './define';
import type { LlmosSettings } from './llmos-settings';
import { TabKernel } from '../../kernel/cross-tab/tab-kernel';
import { disposeServices, mount, testServices, until } from '../../../test/helpers/desktop';
import { openTabs } from '../../../test/helpers/tabs';

const MiB = 1024 * 1024;
const $ = <T extends Element = HTMLElement>(el: LlmosSettings, sel: string) => el.shadowRoot!.querySelector<T>(sel);

let tabs: TabKernel[] = [];
afterEach(() => {
  document.body.replaceChildren();
  for (const t of tabs) t.shutdown();
  tabs = [];
});


describe('<llmos-settings> in a tab that does not host the kernel', () => {
  test('Apply: the host tab’s kernel takes the budget; the page keeps showing the budget in force, then the one its budget-changed event reports', async () => {
    const [a, b] = await openTabs(2, tabs, 'settings-test');
    const services = await testServices({ kernel: b! });
    try {
      const el = await mount<LlmosSettings>('llmos-settings', { services });
      const note = () => $(el, '#budget-note')!.textContent!.replace(/\s+/g, ' ').trim();
      expect(note()).toMatch(/^In force: VRAM 0 MB, RAM 300 MB, worker slots 1\./);
      expect($(el, '.note[data-host="tab"]')!.textContent!.replace(/\s+/g, ' ').trim())
        .toBe("The kernel runs in tab «tab 0»: the budget is that tab's device budget, and a change applies to every tab.");

      const form = $<HTMLFormElement>(el, 'form.budget')!;
      const input = (n: string) => form.querySelector<HTMLInputElement>(`input[name="${n}"]`)!;
      input('ram').value = '256';
      input('slots').value = '2';
      form.requestSubmit();
      await el.updateComplete;
      // setBudget() returned null here: the budget in force is still shown, and the change is on its way.
      expect(note()).toMatch(/^In force: VRAM 0 MB, RAM 300 MB, worker slots 1\./);
      expect($(el, '.ok[role="status"]')!.textContent).toBe('Applying the budget in the tab that runs the kernel…');

      await until(() => a!.budget?.ramBytes === 256 * MiB && a!.budget.slots === 2, 5000, 'the host’s budget');
      await until(() => $(el, '.ok[role="status"]')?.textContent === 'Budget applied.', 5000, 'applied');
      expect(note()).toMatch(/^In force: VRAM 0 MB, RAM 256 MB, worker slots 2\./);
      expect(input('ram').value).toBe('256');
      expect(input('slots').value).toBe('2');
      expect($(el, '.error')).toBeNull();

      // Use estimates: the overrides go, on the host.
      [...el.shadowRoot!.querySelectorAll<HTMLButtonElement>('form.budget button')].find((x) => x.textContent === 'Use estimates')!.click();
      await until(() => a!.budget?.source.slots === 'probe' && a!.budget.source.ram === 'probe', 5000, 'estimates on the host');
      await until(() => $(el, '.ok[role="status"]')?.textContent === 'Budget applied.' && input('slots').value === '', 5000, 'estimates shown');
    } finally {
      await disposeServices(services);
    }
  });
});
