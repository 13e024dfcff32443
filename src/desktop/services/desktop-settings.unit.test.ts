import { describe, expect, test } from 'vitest';
import { DesktopSettings, defaultSettings, sanitiseSettings } from './desktop-settings';

function memoryStorage(init: Record<string, string> = {}): Storage {
  const m = new Map(Object.entries(init));
  return { getItem: (k) => m.get(k) ?? null, setItem: (k, v) => void m.set(k, v), removeItem: (k) => void m.delete(k), clear: () => m.clear(), key: () => null, get length() { return m.size; } };
}

describe('DesktopSettings', () => {
  test('defaults come from the JSON file', () => {
    expect(defaultSettings()).toMatchObject({ theme: 'system', locale: null, keepAliveMs: 300000, layout: 'tabs', firstRunDone: false });
    expect(defaultSettings().priorities).toEqual({ chat: 'interactive', support: 'interactive', translator: 'normal', summariser: 'background' });
  });

  test('bad stored values fall back field by field; good ones survive', () => {
    const s = sanitiseSettings({ theme: 'neon', locale: 'zh-Hans', keepAliveMs: -5, layout: 'tiles', defaultModels: { chat: 'm1', bad: 3 }, priorities: { chat: 'urgent', translator: 'background' } });
    expect(s.theme).toBe('system');
    expect(s.locale).toBe('zh-Hans');
    expect(s.keepAliveMs).toBe(300000);
    expect(s.layout).toBe('tiles');
    expect(s.defaultModels).toEqual({ chat: 'm1' });
    expect(s.priorities.chat).toBe('interactive');
    expect(s.priorities.translator).toBe('background');
  });

  test('updates persist, fire change, and a corrupt entry does not break loading', () => {
    const storage = memoryStorage();
    const s = new DesktopSettings(storage);
    let changes = 0;
    s.addEventListener('change', () => changes++);
    s.update({ theme: 'dark', keepAliveMs: -1 });
    expect(changes).toBe(1);
    expect(new DesktopSettings(storage).value).toMatchObject({ theme: 'dark', keepAliveMs: -1 });
    expect(new DesktopSettings(memoryStorage({ 'llmos-desktop:settings': '{nope' })).value).toEqual(defaultSettings());
    expect(s.priorityOf('summariser')).toBe('background');
    expect(s.priorityOf('unknown')).toBe('normal');
  });
});
