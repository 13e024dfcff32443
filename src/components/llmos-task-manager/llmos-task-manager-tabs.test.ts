/**
 * The task manager where every tab shares one kernel: real `TabKernel`s in one page stand for tabs
 * (each has its own tab id, locks and channels; the first of a fresh namespace hosts). No model is
 * needed: processes, their owners, kill and renice go through the host's real kernel.
 */
import { afterEach, describe, expect, test } from 'vitest';
import './define';
import type { LlmosTaskManager } from './llmos-task-manager';
import { TabKernel } from '../../kernel/cross-tab/tab-kernel';
import { Kernel } from '../../kernel/kernel';
import { memorySettingsStore } from '../../kernel/settings-store';
import { mount, until } from '../../../test/helpers/desktop';
import { openTabs } from '../../../test/helpers/tabs';

let kernels: { shutdown(): void }[] = [];
afterEach(() => {
  document.body.replaceChildren();
  for (const k of kernels) k.shutdown();
  kernels = [];
});


const row = (tm: LlmosTaskManager, pid: number) => tm.shadowRoot!.querySelector<HTMLTableRowElement>(`tbody tr[data-pid="${pid}"]`);
const owner = (tm: LlmosTaskManager, pid: number) => row(tm, pid)?.querySelector('td[data-col="tab"]')?.textContent?.trim() ?? null;
const hostLine = (tm: LlmosTaskManager) => tm.shadowRoot!.querySelector('p.host')?.textContent?.trim() ?? null;
const headers = (tm: LlmosTaskManager) => [...tm.shadowRoot!.querySelectorAll('thead th')].map((th) => th.textContent!.trim());

describe('<llmos-task-manager> on a kernel that several tabs share', () => {
  test('a tab that does not host: the Tab column names each process’s owner, the line says which tab hosts; End and the priority menu work on other tabs’ processes', async () => {
    const [a, b, c] = await openTabs(3, kernels, 'tm-test');
    const pa = a!.spawn({ name: 'Writer' }, { priority: 'normal' });
    const pb = b!.spawn({ name: 'Reader' }, { priority: 'normal' });
    const pc = c!.spawn({ name: 'Notes' }, { priority: 'normal' });
    await until(() => [pa, pb, pc].every((pid) => b!.ps().some((p) => p.pid === pid && p.tab !== null)), 5000, 'every process in b’s ps()');
    // Sampling once a minute: what changes below arrives through the kernel's events.
    const tm = await mount<LlmosTaskManager>('llmos-task-manager', { kernel: b, interval: 60_000 });
    expect(headers(tm)).toContain('Tab');
    expect(hostLine(tm)).toBe('Kernel: in tab «tab 0»');
    expect([owner(tm, pa), owner(tm, pb), owner(tm, pc)]).toEqual(['tab 0', 'this tab', 'tab 2']);
    expect(row(tm, pc)!.querySelector('td[data-col="tab"]')!.getAttribute('data-tab')).toBe(c!.tabId);

    // The priority menu of tab 0's process, from tab 1: the host's kernel renices it.
    const select = row(tm, pa)!.querySelector('select')!;
    select.value = 'background';
    select.dispatchEvent(new Event('change'));
    await until(() => a!.ps().find((p) => p.pid === pa)?.priority === 'background', 5000, 'reniced on the host');
    await until(() => row(tm, pa)!.querySelector('select')!.value === 'background', 5000, 'the menu follows');

    // End on tab 2's process, from tab 1: it ends on the host, and its row leaves the table.
    const end = row(tm, pc)!.querySelector<HTMLButtonElement>('button.end')!;
    expect(end.getAttribute('aria-label')).toBe(`End process ${pc} (Notes)`);
    end.click();
    await until(() => a!.ps().find((p) => p.pid === pc)?.state === 'exited', 5000, 'exited on the host');
    await until(() => row(tm, pc) === null, 5000, 'row gone');
    expect(tm.shadowRoot!.querySelector('.error')).toBeNull();
    expect(a!.ps().find((p) => p.pid === pb)!.state).not.toBe('exited');

    // Ended elsewhere (the host tab's own task manager): the event comes before the host's snapshot,
    // and the row still leaves once the snapshot follows.
    const pd = c!.spawn({ name: 'Sketch' }, { priority: 'normal' });
    await until(() => owner(tm, pd) === 'tab 2', 5000, 'new row');
    a!.kill(pd);
    await until(() => row(tm, pd) === null, 5000, 'row of a process ended elsewhere gone');

    // The host tab's own task manager: the kernel runs here, shared by three tabs.
    const tmA = await mount<LlmosTaskManager>('llmos-task-manager', { kernel: a, interval: 60_000 });
    expect(hostLine(tmA)).toBe('Kernel: this tab (3 tabs share it)');
    expect([owner(tmA, pa), owner(tmA, pb)]).toEqual(['this tab', 'tab 1']);
  });

  test('the host tab closes: the line and the rows follow host-changed, without waiting for a sample', async () => {
    const [a, b, c] = await openTabs(3, kernels, 'tm-test');
    const pa = a!.spawn({ name: 'Writer' }, { priority: 'normal' });
    const pb = b!.spawn({ name: 'Reader' }, { priority: 'normal' });
    const pc = c!.spawn({ name: 'Notes' }, { priority: 'normal' });
    await until(() => [pa, pb, pc].every((pid) => c!.ps().some((p) => p.pid === pid)), 5000, 'every process in c’s ps()');
    const tmB = await mount<LlmosTaskManager>('llmos-task-manager', { kernel: b, interval: 60_000 });
    const tmC = await mount<LlmosTaskManager>('llmos-task-manager', { kernel: c, interval: 60_000 });
    expect(hostLine(tmC)).toBe('Kernel: in tab «tab 0»');
    expect(owner(tmC, pa)).toBe('tab 0');

    a!.shutdown(); // the host tab closes: tab 1 is next in line
    await until(() => hostLine(tmB) === 'Kernel: this tab (2 tabs share it)', 10_000, 'b hosts');
    await until(() => hostLine(tmC) === 'Kernel: in tab «tab 1»', 10_000, 'c sees b host');
    // The closed tab's process ended with it; the others moved to the new host with their owners.
    await until(() => row(tmC, pa) === null && owner(tmC, pb) === 'tab 1' && owner(tmC, pc) === 'this tab', 5000, 'c’s rows');
    await until(() => row(tmB, pa) === null && owner(tmB, pb) === 'this tab' && owner(tmB, pc) === 'tab 2', 5000, 'b’s rows');
  });

  test('a page’s own kernel, and one where the browser lacks Web Locks: no Tab column; the line says the kernel is this page’s', async () => {
    const own = new Kernel({ settings: memorySettingsStore(), budget: { ramMB: 300, vramMB: 0, slots: 1 } });
    kernels.push(own);
    const pid = own.spawn({ name: 'Solo' }, { priority: 'normal' });
    const tm = await mount<LlmosTaskManager>('llmos-task-manager', { kernel: own });
    expect(hostLine(tm)).toBe('Kernel: this page only');
    expect(headers(tm)).not.toContain('Tab');
    expect(row(tm, pid)!.querySelector('td[data-col="tab"]')).toBeNull();
    expect(row(tm, pid)!.children).toHaveLength(headers(tm).length);

    // A browser without the Web Locks API: the shared kernel falls back to the page's own.
    Object.defineProperty(navigator, 'locks', { value: undefined, configurable: true });
    let fallback: TabKernel;
    try {
      fallback = new TabKernel({ namespace: `tm-test-nolocks-${Date.now()}`, settings: memorySettingsStore(), budget: { ramMB: 300, vramMB: 0, slots: 1 } });
    } finally {
      delete (navigator as unknown as Record<string, unknown>).locks; // the prototype's getter again
    }
    kernels.push(fallback);
    expect(navigator.locks).toBeDefined();
    fallback.spawn({ name: 'Alone' }, { priority: 'normal' });
    const tmF = await mount<LlmosTaskManager>('llmos-task-manager', { kernel: fallback });
    expect(hostLine(tmF)).toBe('Kernel: this page only (no Web Locks)');
    expect(headers(tmF)).not.toContain('Tab');
  });
});
