import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { userEvent } from 'vitest/browser';
import './define';
import type { LlmosDesktop } from './llmos-desktop';
import { addFixtureModel, disposeServices, mount, testServices, until } from '../../../test/helpers/desktop';

type Services = Awaited<ReturnType<typeof testServices>>;
const $ = <T extends Element = HTMLElement>(el: LlmosDesktop, sel: string) => el.shadowRoot!.querySelector<T>(sel);
const $$ = (el: LlmosDesktop, sel: string) => [...el.shadowRoot!.querySelectorAll<HTMLElement>(sel)];
const launcher = (el: LlmosDesktop, app: string) => $<HTMLButtonElement>(el, `nav [data-app="${app}"]`)!;

describe('<llmos-desktop>', () => {
  let services: Services;
  beforeEach(async () => { services = await testServices(); });
  afterEach(async () => {
    document.body.replaceChildren();
    await disposeServices(services);
  });

  test('first run: the device report opens as a modal dialog; Get started closes it for good', async () => {
    const desk = await mount<LlmosDesktop>('llmos-desktop', { services });
    const dialog = await until(() => $<HTMLDialogElement>(desk, 'dialog.first-run[open]'), 10_000, 'first-run dialog');
    expect(dialog.getAttribute('aria-labelledby')).toBe('first-run-title');
    const report = await until(() => dialog.querySelector('llmos-device-report'));
    await until(() => report.shadowRoot?.querySelector('[data-fact="webgpu"] dd')?.textContent?.includes('swiftshader'), 10_000, 'adapter fact');
    ($<HTMLButtonElement>(desk, '.dialog-actions button')!).click();
    expect(dialog.open).toBe(false);
    expect(services.settings.value.firstRunDone).toBe(true);
    // The device's banner stays on the desktop (SwiftShader has no shader-f16).
    await until(() => $(desk, '.banner[data-warning="no-f16"]'), 10_000, 'banner');
    ($<HTMLButtonElement>(desk, '.banner[data-warning="no-f16"] button')!).click();
    await desk.updateComplete;
    expect($(desk, '.banner[data-warning="no-f16"]')).toBeNull();
  });

  test('each AI app window is its own kernel process (app priority); closing the window ends it', async () => {
    services.settings.update({ firstRunDone: true });
    const desk = await mount<LlmosDesktop>('llmos-desktop', { services });
    launcher(desk, 'chat').click();
    await until(() => $$(desk, '.window[data-app="chat"]').length === 1, 10_000, 'chat window');
    await desk.open('translator');
    await desk.open('chat');
    const procs = services.kernel.ps().filter((p) => p.state !== 'exited');
    expect(procs.map((p) => [p.appId, p.name, p.priority])).toEqual([
      ['chat', 'Chat', 'interactive'], ['translator', 'Translator', 'normal'], ['chat', 'Chat 2', 'interactive'],
    ]);
    // Tabs: one per window, the newest selected; a pid badge per AI window.
    const tabs = $$(desk, '[role="tab"]');
    expect(tabs.map((t) => t.textContent!.trim())).toEqual(['Chat 1', 'Translator', 'Chat 2']);
    expect(tabs.map((t) => t.getAttribute('aria-selected'))).toEqual(['false', 'false', 'true']);
    expect($$(desk, '[role="tabpanel"]:not([hidden])')).toHaveLength(1);
    expect($$(desk, '.pid').map((p) => p.dataset.pid)).toEqual(procs.map((p) => String(p.pid)));
    // A single-window app is focused, not duplicated.
    await desk.open('tasks');
    await desk.open('tasks');
    expect($$(desk, '.window[data-app="tasks"]')).toHaveLength(1);

    const translator = procs[1]!.pid;
    ($<HTMLButtonElement>(desk, '.window[data-app="translator"] .titlebar button')!).click();
    await desk.updateComplete;
    expect($$(desk, '.window[data-app="translator"]')).toHaveLength(0);
    expect(services.kernel.ps().find((p) => p.pid === translator)!.state).toBe('exited');
  });

  test('a process killed elsewhere marks its window ended; Restart gives it a new process', async () => {
    services.settings.update({ firstRunDone: true });
    const desk = await mount<LlmosDesktop>('llmos-desktop', { services });
    const win = (await desk.open('chat'))!;
    const first = win.pid!;
    services.kernel.kill(first);
    await until(() => $(desk, '.window[data-app="chat"] .ended[role="alert"]'), 5000, 'ended notice');
    ($<HTMLButtonElement>(desk, '.ended button.primary')!).click();
    await desk.updateComplete;
    expect($(desk, '.ended')).toBeNull();
    expect(win.pid).toBeGreaterThan(first);
    expect($(desk, '.pid')!.dataset.pid).toBe(String(win.pid));
    expect((win.element as HTMLElement & { pid: number }).pid).toBe(win.pid);
  });

  test('window tabs follow the ARIA tabs pattern: arrow keys, Home and End move selection and focus', async () => {
    services.settings.update({ firstRunDone: true });
    const desk = await mount<LlmosDesktop>('llmos-desktop', { services });
    await desk.open('settings');
    await desk.open('device');
    await desk.open('tasks');
    const tab = (name: string) => $$(desk, '[role="tab"]').find((t) => t.textContent!.trim() === name)!;
    tab('Task manager').focus();
    await userEvent.keyboard('{ArrowLeft}');
    await desk.updateComplete;
    expect(tab('This device').getAttribute('aria-selected')).toBe('true');
    expect(desk.shadowRoot!.activeElement).toBe(tab('This device'));
    await userEvent.keyboard('{Home}');
    await desk.updateComplete;
    expect(tab('Settings').getAttribute('aria-selected')).toBe('true');
    await userEvent.keyboard('{ArrowLeft}');
    await desk.updateComplete;
    expect(tab('Task manager').getAttribute('aria-selected')).toBe('true');
    // Only the selected tab is in the tab order.
    expect($$(desk, '[role="tab"]').map((t) => t.tabIndex)).toEqual([-1, -1, 0]);
  });

  test('tiles show every window at once (regions, no tabs) and the choice is saved', async () => {
    services.settings.update({ firstRunDone: true });
    await addFixtureModel(services);
    const desk = await mount<LlmosDesktop>('llmos-desktop', { services });
    await desk.open('chat');
    await desk.open('tasks');
    const toggle = $<HTMLButtonElement>(desk, 'button.layout')!;
    expect(toggle.getAttribute('aria-pressed')).toBe('false');
    toggle.click();
    await desk.updateComplete;
    expect(desk.layout).toBe('tiles');
    expect(services.settings.value.layout).toBe('tiles');
    expect($(desk, '[role="tablist"]')).toBeNull();
    const regions = $$(desk, '.window[role="region"]');
    expect(regions).toHaveLength(2);
    for (const r of regions) expect(r.hidden).toBe(false);
    // The status bar follows the kernel: budgets are shown once probed.
    const bar = $(desk, 'llmos-status-bar')!;
    await until(() => bar.shadowRoot!.querySelector('[data-status="slots"] .value')?.textContent === '0 of 1 in use', 5000, 'slots');
  });
});
