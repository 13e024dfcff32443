/**
 * Per-app data: what an app (by its app id) may read and write of the user's stored data — its own
 * conversations and its own knowledge-graph namespace (`app:<appId>`), nothing of any other app and
 * not the user's own memory (`user`). This is the boundary the app-facing APIs enforce (the
 * cross-origin bridge hands an embedding site exactly one `AppData`, for the app id its origin was
 * granted). Code running *in* the origin can always open IndexedDB directly: isolation between apps
 * of one origin is a property of these APIs, not of the browser.
 *
 * Reads of another app's records look like absent records (`get` → `undefined`, lists filter them),
 * so an app learns nothing; writes and deletes of another app's record are a `PermissionError`.
 */
import { InvalidRequestError, LlmOsError, PermissionError } from '../errors';
import type { KnowledgeGraph } from '../knowledge/knowledge-graph';
import type { KnowledgeStore } from '../knowledge/knowledge-store';
import { isNamespace, type Namespace } from '../knowledge/entities';
import {
  deleteConversation, getConversation, listConversations, putConversation, updateConversation, type PutConversationOptions,
} from '../storage/conversations';
import type { LlmOsDatabase } from '../storage/db';
import type { ConversationRecord } from '../storage/schema';
import { validateAppId } from './app-identity';

/** A conversation as an app writes it (the app id is always the caller's own). */
export type AppConversation = Omit<ConversationRecord, 'appId' | 'updatedAt' | 'revision'> & { appId?: string; updatedAt?: number };

/** Where an app's data lives (the host opens these; apps never get them directly). */
export interface AppDataSources {
  /** The conversations database (`openLlmOsDb()`). */
  db: LlmOsDatabase | (() => Promise<LlmOsDatabase>);
  /** The knowledge store (`KnowledgeStore.open()`); without it `graph()` is refused. */
  knowledge?: KnowledgeStore | (() => Promise<KnowledgeStore>);
}

/** The knowledge-graph namespace an app id owns, or null when the id cannot name one. */
export function appNamespace(appId: string): Namespace | null {
  const ns = `app:${appId}`;
  return isNamespace(ns) ? (ns as Namespace) : null;
}

const resolve = async <T>(v: T | (() => Promise<T>)): Promise<T> => (typeof v === 'function' ? (v as () => Promise<T>)() : v);

/** Open the database; a browser that denies storage here (a blocked third-party frame) is a `PermissionError`. */
async function openDb(source: AppDataSources['db']): Promise<LlmOsDatabase> {
  try {
    return await resolve(source);
  } catch (e) {
    if (e instanceof LlmOsError) throw e;
    throw new PermissionError(`Stored data is not available here: ${e instanceof Error ? e.message : String(e)}`, { reason: 'storage-unavailable' }, { cause: e });
  }
}

/** One app's view of the stored data. */
export class AppData {
  /** The app whose data this is. */
  readonly appId: string;

  constructor(appId: string, private readonly sources: AppDataSources) {
    this.appId = validateAppId(appId);
  }

  private deny(action: string, id: string): PermissionError {
    return new PermissionError(`App ${this.appId} may not ${action} a conversation of another app`, { appId: this.appId, id, action });
  }

  /** This app's conversations, newest first. */
  async listConversations(): Promise<ConversationRecord[]> {
    return listConversations(await openDb(this.sources.db), this.appId);
  }

  /** One of this app's conversations (another app's reads as absent). */
  async getConversation(id: string): Promise<ConversationRecord | undefined> {
    const rec = await getConversation(await openDb(this.sources.db), String(id));
    return rec?.appId === this.appId ? rec : undefined;
  }

  /** Create or replace one of this app's conversations; `expectedRevision` makes it an optimistic write. */
  async putConversation(conv: AppConversation, options: PutConversationOptions = {}): Promise<ConversationRecord> {
    if (typeof conv !== 'object' || conv === null || typeof conv.id !== 'string' || !conv.id || !Array.isArray(conv.messages)) {
      throw new InvalidRequestError('A conversation needs a string id and a messages array', { field: 'conversation' });
    }
    if (conv.appId !== undefined && conv.appId !== this.appId) throw this.deny('write', conv.id);
    const db = await openDb(this.sources.db);
    const stored = await getConversation(db, conv.id);
    if (stored && stored.appId !== this.appId) throw this.deny('overwrite', conv.id);
    const now = Date.now();
    return putConversation(db, { ...conv, title: conv.title ?? '', createdAt: conv.createdAt ?? now, appId: this.appId, updatedAt: now }, now, options);
  }

  /** Read-modify-write one of this app's conversations in one transaction (no lost update across tabs). */
  async updateConversation(id: string, mutate: (current: ConversationRecord | undefined) => ConversationRecord | undefined): Promise<ConversationRecord | undefined> {
    let foreign = false;
    const out = await updateConversation(await openDb(this.sources.db), String(id), (current) => {
      if (current && current.appId !== this.appId) { foreign = true; return undefined; }
      const next = mutate(current);
      return next === undefined ? undefined : { ...next, appId: this.appId };
    });
    if (foreign) throw this.deny('update', id);
    return out;
  }

  /** Delete one of this app's conversations. */
  async deleteConversation(id: string): Promise<void> {
    const db = await openDb(this.sources.db);
    const stored = await getConversation(db, String(id));
    if (!stored) return;
    if (stored.appId !== this.appId) throw this.deny('delete', id);
    await deleteConversation(db, stored.id);
  }

  /** The namespace this app owns (`app:<appId>`); null when its id cannot name one. */
  get namespace(): Namespace | null {
    return appNamespace(this.appId);
  }

  /**
   * This app's knowledge graph. Asking for any other namespace (another app's, or the user's own
   * memory) is a `PermissionError`.
   */
  async graph(ns: string | undefined = undefined): Promise<KnowledgeGraph> {
    const own = this.namespace;
    if (ns !== undefined && ns !== own) {
      throw new PermissionError(`App ${this.appId} may not read the knowledge graph ${String(ns)}`, { appId: this.appId, ns: String(ns) });
    }
    if (!own) throw new InvalidRequestError(`App id ${this.appId} cannot name a knowledge-graph namespace (use lowercase letters, digits, . _ -)`, { appId: this.appId });
    if (!this.sources.knowledge) throw new PermissionError(`App ${this.appId} has no access to a knowledge graph here`, { appId: this.appId });
    return (await resolve(this.sources.knowledge)).graph(own);
  }
}
