/**
 * Tabs of one origin, in one page: each `TabKernel` has its own tab id, locks and channels, so several
 * of them in a fresh namespace behave as the tabs of a browser profile (`shutdown()` is a tab closing).
 */
import { TabKernel } from '../../src/kernel/cross-tab/tab-kernel';
import { memorySettingsStore } from '../../src/kernel/settings-store';

let seq = 0;

/**
 * Open `n` tabs of a fresh namespace in order (titled `tab 0`, `tab 1`, …; the first hosts), each with
 * the budget of one slot and 300 MB of RAM, and wait until every one is attached to the first. Each is
 * pushed to `opened` (the test shuts them down).
 */
export async function openTabs(n: number, opened: { shutdown(): void }[], prefix = 'tabs'): Promise<TabKernel[]> {
  const namespace = `${prefix}-${Date.now()}-${seq++}`;
  const out: TabKernel[] = [];
  for (let i = 0; i < n; i++) {
    const t = new TabKernel({ namespace, title: () => `tab ${i}`, settings: memorySettingsStore(), budget: { ramMB: 300, vramMB: 0, slots: 1 } });
    opened.push(t);
    out.push(t);
    await t.ready;
  }
  const t0 = performance.now();
  while (!out.every((t) => t.host.leader?.tabId === out[0]!.tabId && t.host.tabs.length === n)) {
    if (performance.now() - t0 > 10_000) throw new Error('timed out waiting for every tab to attach');
    await new Promise((r) => setTimeout(r, 10));
  }
  return out;
}
