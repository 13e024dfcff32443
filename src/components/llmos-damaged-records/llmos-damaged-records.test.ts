import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import './define';
import type { LlmosDamagedRecords } from './llmos-damaged-records';
import { damagedRecords } from '../../storage/damaged-records';
import type { LlmOsDatabase } from '../../storage/db';
import { conversationProblem, settingProblem } from '../../storage/record-checks';
import { freshDb } from '../../../test/helpers/storage';

let db: LlmOsDatabase;
let dispose: () => Promise<void>;
beforeEach(async () => ({ db, dispose } = await freshDb()));
afterEach(async () => {
  document.body.replaceChildren();
  await dispose();
});

async function mount(props: Partial<LlmosDamagedRecords>): Promise<LlmosDamagedRecords> {
  const el = document.createElement('llmos-damaged-records');
  Object.assign(el, props);
  document.body.append(el);
  await el.updateComplete;
  return el;
}

describe('<llmos-damaged-records>', () => {
  test('lists the damaged records of its database and stores, live; a refused delete-request keeps the record; Delete removes it', async () => {
    const el = await mount({ db, stores: ['conversations'] });
    expect(el.shadowRoot!.querySelector('[part="notice"]')).toBeNull();
    const bad = { id: 'c1', appId: 'chat', title: 't', messages: 'x', createdAt: 1, updatedAt: 1 };
    await db.put('conversations', bad as never);
    damagedRecords.check(db, 'conversations', bad, conversationProblem(bad));
    const setting = { key: 'k', value: 1 };
    damagedRecords.check(db, 'settings', setting, settingProblem(setting)); // another store: not listed here
    await el.updateComplete;
    const items = el.shadowRoot!.querySelectorAll('[part="item"]');
    expect(items).toHaveLength(1);
    expect(items[0]!.textContent).toContain('A saved conversation is damaged and was skipped.');
    expect(items[0]!.textContent).toContain('"c1": .messages is not an array');
    const button = items[0]!.querySelector('button')!;
    const keep = (e: Event) => e.preventDefault();
    document.addEventListener('llmos-delete-request', keep, { once: true });
    button.click();
    await new Promise((r) => setTimeout(r, 50));
    expect(await db.get('conversations', 'c1')).toBeDefined();
    button.click();
    await new Promise((r) => setTimeout(r, 50));
    await el.updateComplete;
    expect(await db.get('conversations', 'c1')).toBeUndefined();
    expect(el.shadowRoot!.querySelector('[part="notice"]')).toBeNull();
    // Still reported for the settings store (its own notice would list it).
    expect(damagedRecords.list(db.name).map((r) => r.store)).toEqual(['settings']);
  });

  test('a record read well again leaves the notice by itself', async () => {
    const el = await mount({ db, match: (r) => r.appId === 'chat' });
    const bad = { id: 'c2', appId: 'chat', title: 7, messages: [], createdAt: 1, updatedAt: 1 };
    damagedRecords.check(db, 'conversations', bad, conversationProblem(bad));
    await el.updateComplete;
    expect(el.records).toHaveLength(1);
    const good = { ...bad, title: 'fixed' };
    damagedRecords.check(db, 'conversations', good, conversationProblem(good));
    await el.updateComplete;
    expect(el.records).toEqual([]);
    expect(el.shadowRoot!.querySelector('[part="notice"]')).toBeNull();
  });
});
