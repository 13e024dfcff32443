/**
 * The `conversations` store: saved chats, per app, newest first.
 *
 * Concurrency: every write gives the record a new `revision`; reads and writes that must agree run in
 * one read-write IndexedDB transaction, and IndexedDB serialises those on one store across every tab
 * and worker of the origin, so:
 *  - `updateConversation(db, id, mutate)` never loses an update: two tabs appending to one conversation
 *    at once both land, in some order;
 *  - `putConversation(db, conv, now, { expectedRevision })` is an optimistic write: it is refused with
 *    `ConflictError` (nothing written) when another tab wrote since `expectedRevision` was read.
 * A plain `putConversation(db, conv)` (no expected revision) keeps its last-writer-wins behaviour and
 * stays one request, committed at once (`tx.commit()`): what a chat saves per chunk survives a reload
 * that follows the save's task.
 *
 * Every record read is shape-checked: a damaged one (say, `messages` not an array) reads as absent and is
 * reported once (`damaged-records.ts`); `updateConversation` leaves it untouched.
 */
import { ConflictError } from '../errors';
import { damagedRecords } from './damaged-records';
import type { LlmOsDatabase } from './db';
import { conversationProblem } from './record-checks';
import type { ConversationRecord } from './schema';

/** Options of `putConversation`. */
export interface PutConversationOptions {
  /**
   * Write only if the stored revision is still this one (`0` = the conversation must not exist yet);
   * otherwise reject with `ConflictError` and write nothing.
   */
  expectedRevision?: number;
}

/**
 * Revision of a blind write: it reads nothing (one request, committed in the task that issues it, so a
 * reload right after cannot lose it), so it cannot count; instead it takes a fresh tag above every
 * counted revision, distinct from any other write's, which is all an optimistic writer compares.
 */
const blindRevision = () => Date.now() * 1024 + Math.floor(Math.random() * 1024);

/**
 * Insert or replace a conversation (stamps `updatedAt`, sets a new `revision`). Resolves with what was
 * stored. With `expectedRevision`, a stale write is a `ConflictError` (see the module notes).
 */
export async function putConversation(
  db: LlmOsDatabase, conv: ConversationRecord, now: number = Date.now(), options: PutConversationOptions = {},
): Promise<ConversationRecord> {
  const tx = db.transaction('conversations', 'readwrite');
  const store = tx.objectStore('conversations');
  if (options.expectedRevision === undefined) {
    const next: ConversationRecord = { ...conv, updatedAt: now, revision: blindRevision() };
    void store.put(next);
    tx.commit();
    await tx.done;
    return next;
  }
  const stored = await store.get(conv.id);
  const actual = stored?.revision ?? (stored ? 1 : 0);
  if (options.expectedRevision !== actual) {
    tx.abort();
    await tx.done.catch(() => undefined);
    throw new ConflictError(`Conversation ${conv.id} changed meanwhile (revision ${actual}, expected ${options.expectedRevision})`, {
      id: conv.id, expected: options.expectedRevision, actual,
    });
  }
  const next: ConversationRecord = { ...conv, updatedAt: now, revision: actual + 1 };
  void store.put(next);
  tx.commit();
  await tx.done;
  return next;
}

/**
 * Read, change and write one conversation in a single transaction: `mutate` receives the stored record
 * (or `undefined`) and returns the record to store, or `undefined` to leave it unchanged. `mutate` must
 * be synchronous (an IndexedDB transaction ends with its task). Resolves with what is stored now. A
 * damaged stored record is reported and left as it is (`mutate` is not called; resolves undefined).
 */
export async function updateConversation(
  db: LlmOsDatabase, id: string, mutate: (current: ConversationRecord | undefined) => ConversationRecord | undefined,
  now: number = Date.now(),
): Promise<ConversationRecord | undefined> {
  const tx = db.transaction('conversations', 'readwrite');
  const store = tx.objectStore('conversations');
  const stored = await store.get(id);
  if (stored !== undefined && !checked(db, stored)) {
    await tx.done;
    return undefined;
  }
  const changed = mutate(stored === undefined ? undefined : structuredClone(stored));
  if (changed === undefined) {
    await tx.done;
    return stored;
  }
  const next: ConversationRecord = { ...changed, id, updatedAt: now, revision: (stored?.revision ?? (stored ? 1 : 0)) + 1 };
  void store.put(next);
  tx.commit();
  await tx.done;
  return next;
}

/** A stored value if it is a usable conversation; else reported (once) and undefined. */
const checked = (db: LlmOsDatabase, v: unknown): ConversationRecord | undefined =>
  damagedRecords.check<ConversationRecord>(db, 'conversations', v, conversationProblem(v));

/** One conversation, or undefined (also for a damaged record, which is reported). */
export async function getConversation(db: LlmOsDatabase, id: string): Promise<ConversationRecord | undefined> {
  const v = await db.get('conversations', id);
  return v === undefined ? undefined : checked(db, v);
}

/** The conversations of one app, most recently updated first (damaged ones skipped and reported). */
export async function listConversations(db: LlmOsDatabase, appId: string): Promise<ConversationRecord[]> {
  const all = await db.getAllFromIndex('conversations', 'by-app', appId);
  return all.flatMap((v) => checked(db, v) ?? []).sort((a, b) => b.updatedAt - a.updatedAt);
}

/** Remove a conversation. */
export function deleteConversation(db: LlmOsDatabase, id: string): Promise<void> {
  return db.delete('conversations', id);
}
