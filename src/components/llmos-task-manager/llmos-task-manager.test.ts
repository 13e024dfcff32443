import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import './define';
import type { LlmosTaskManager } from './llmos-task-manager';
import { randomFixtureDefaults as fixtureParams } from '../../api/model-ref';
import { TINY_B_URL } from '../../../test/helpers/engines';
import { addFixtureModel, disposeServices, mount, testServices, until } from '../../../test/helpers/desktop';

type Services = Awaited<ReturnType<typeof testServices>>;
const rows = (tm: LlmosTaskManager) => [...tm.shadowRoot!.querySelectorAll<HTMLTableRowElement>('tbody tr[data-pid]')];
const row = (tm: LlmosTaskManager, pid: number) => tm.shadowRoot!.querySelector<HTMLTableRowElement>(`tbody tr[data-pid="${pid}"]`);

describe('<llmos-task-manager> on a real kernel with two fixture models in two slots', () => {
  let services: Services;
  beforeEach(async () => {
    services = await testServices({ slots: 2 });
    await addFixtureModel(services, 'tiny');
    await addFixtureModel(services, 'tiny-b', TINY_B_URL);
  });
  afterEach(async () => {
    document.body.replaceChildren();
    await disposeServices(services);
  });

  test('live table of two running processes, renice and kill; VRAM/RAM bars; a line per process', async () => {
    const k = services.kernel;
    const a = k.spawn({ name: 'Writer', appId: 'writer' }, { priority: 'interactive' });
    const b = k.spawn({ name: 'Reader', appId: 'reader' }, { priority: 'normal' });
    const tm = await mount<LlmosTaskManager>('llmos-task-manager', { kernel: k, interval: 150 });
    expect(rows(tm).map((r) => r.querySelector('th')!.textContent)).toEqual(['Writer', 'Reader']);
    expect(row(tm, a)!.dataset.state).toBe('sleeping');

    const ja = k.submit({ pid: a, model: 'tiny', prompt: 'one', params: { ...fixtureParams(), maxTokens: 600 } });
    const jb = k.submit({ pid: b, model: 'tiny-b', prompt: 'two', params: { ...fixtureParams(), maxTokens: 600 } });
    await until(() => rows(tm).filter((r) => r.dataset.state === 'running').length === 2, 30_000, 'both running');
    expect(row(tm, a)!.querySelector('td.model')!.textContent).toBe('tiny');
    expect(row(tm, b)!.querySelector('td.model')!.textContent).toBe('tiny-b');
    // Tokens grow and a live rate appears while running.
    await until(() => Number(row(tm, a)!.querySelector('[data-col="tokens"]')!.textContent!.replace(/\D/g, '')) > 20, 30_000, 'tokens');
    await until(() => Number(row(tm, a)!.querySelector('[data-col="rate"]')!.textContent) > 0, 10_000, 'rate');
    expect(row(tm, a)!.querySelectorAll('td.num')[2]!.textContent).toMatch(/ms|s$/); // TTFT

    // Resident models: two segments against the RAM budget (wasm engines), none against VRAM.
    await tm.updateComplete;
    expect(tm.shadowRoot!.querySelectorAll('[data-budget="ram"] .seg')).toHaveLength(2);
    expect(tm.shadowRoot!.querySelectorAll('[data-budget="vram"] .seg')).toHaveLength(0);
    expect(tm.shadowRoot!.querySelectorAll('.resident li')).toHaveLength(2);
    // Charts: an SVG line per process with a legend, and a memory chart.
    await until(() => tm.shadowRoot!.querySelectorAll('[data-chart="rate"] path[stroke]').length === 2, 10_000, 'two lines');
    expect([...tm.shadowRoot!.querySelectorAll('[data-chart="rate"] .legend li')].map((l) => l.textContent)).toEqual([`${a} Writer`, `${b} Reader`]);
    expect(tm.shadowRoot!.querySelector('[data-chart="rate"] svg')!.getAttribute('role')).toBe('img');
    expect(tm.shadowRoot!.querySelector('[data-chart="memory"] svg path[stroke]')).not.toBeNull();

    // Renice through the priority menu.
    const select = row(tm, b)!.querySelector('select')!;
    expect(select.getAttribute('aria-label')).toBe(`Priority of Reader (pid ${b})`);
    select.value = 'background';
    select.dispatchEvent(new Event('change'));
    expect(k.ps().find((p) => p.pid === b)!.priority).toBe('background');

    // End process: its job ends as aborted, the row leaves the table, the other keeps running.
    const end = row(tm, a)!.querySelector<HTMLButtonElement>('button.end')!;
    expect(end.getAttribute('aria-label')).toBe(`End process ${a} (Writer)`);
    end.click();
    expect((await ja.result).stopReason).toBe('abort');
    await tm.updateComplete;
    expect(row(tm, a)).toBeNull();
    expect(k.ps().find((p) => p.pid === a)!.state).toBe('exited');
    tm.showEnded = true;
    await tm.updateComplete;
    expect(row(tm, a)!.dataset.state).toBe('exited');
    expect(row(tm, a)!.querySelector('button.end')).toBeNull();
    expect((await jb.result).stopReason).toBe('length');
    // Its finished conversation stays in the model's KV cache: the KV column says how much.
    await until(() => /MB$/.test(row(tm, b)!.querySelector('[data-col="kv"]')!.textContent!.trim()), 5000, 'kv column');
    expect(row(tm, b)!.querySelector('[data-col="kv"]')!.getAttribute('title')).toMatch(/^\d+ tokens of context/);
  });

  test('a refused renice (above the quota) is shown in words and changes nothing', async () => {
    const k = services.kernel;
    const pid = k.spawn({ name: 'Limited' }, { priority: 'normal', quota: { maxPriority: 'normal' } });
    const tm = await mount<LlmosTaskManager>('llmos-task-manager', { kernel: k });
    const select = row(tm, pid)!.querySelector('select')!;
    select.value = 'realtime';
    select.dispatchEvent(new Event('change'));
    await tm.updateComplete;
    const err = tm.shadowRoot!.querySelector('.error[role="alert"]')!;
    expect(err.getAttribute('data-code')).toBe('PERMISSION_DENIED');
    expect(err.textContent).toContain('This app is not allowed to do that.');
    expect(k.ps().find((p) => p.pid === pid)!.priority).toBe('normal');
  });
});
