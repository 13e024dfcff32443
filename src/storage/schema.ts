/**
 * The one IndexedDB schema of LLM OS (database `llmos`). Every store, key and index is declared here;
 * `db.ts` holds the versioned migrations that create them. One thin module per store reads and writes it
 * (`model-records.ts`, `weight-store.ts`, `conversations.ts`, `settings.ts`).
 */
import type { DBSchema } from 'idb';
import type { ChatMessage } from '../protocol/engine';
import type { LlamaHyperParams } from '../models/gguf-header';

/** Where a stored model came from. */
export type ModelOrigin = 'catalog' | 'url' | 'import';

/** `remote`: nothing stored; `partial`: some verified chunks stored; `cached`: every chunk stored. */
export type ModelState = 'remote' | 'partial' | 'cached';

/** Metadata of one GGUF model whose weights live (or will live) in the `chunks` store. */
export interface ModelRecord {
  /** Stable id (catalog id, `url:<digest of the URL>` or `import:<name>`). */
  id: string;
  name: string;
  /** Only GGUF models are stored here; WebLLM keeps its own cache (see `models/webllm-cache-reader.ts`). */
  engine: 'wllama';
  origin: ModelOrigin;
  /** Source URL for downloads and resumes (absent for imports). */
  url?: string;
  /** Whole-file size in bytes; 0 while unknown (before the first response). */
  sizeBytes: number;
  /** Size announced by the catalog before any response (only for the storage check; may be approximate). */
  sizeHint?: number;
  /** Bytes per chunk (the last chunk may be shorter). Fixed for the life of the record. */
  chunkSize: number;
  /** Bytes of verified chunks stored so far. */
  storedBytes: number;
  state: ModelState;
  /** Expected SHA-256 of the whole file (hex), when known. */
  sha256?: string;
  /** Expected SHA-256 (hex) of each chunk of `chunkSize` bytes, when known (from a manifest). */
  chunkSha256?: string[];
  /** True once the whole file was checked against `sha256`. */
  verified?: boolean;
  /** Server validator used with `If-Range` so a resume never mixes two versions of a file. */
  etag?: string;
  /** Dominant tensor type, e.g. `Q8_0` (from the GGUF header or the catalog). */
  quantisation?: string;
  /** Hyper-parameters read from the GGUF header once the first chunk is stored. */
  hyper?: LlamaHyperParams;
  /** Estimated memory to run the model (weights + KV at the default context + overhead), in bytes. */
  memoryBytes?: number;
  createdAt: number;
  /** Last time the model was loaded (ms since epoch); 0 = never. Drives LRU eviction. */
  lastUsed: number;
  /** A download was started and not finished: resumed after a reload by `ModelLibrary.resumePending()`. */
  pending?: boolean;
  /**
   * What the file is: a model (the default when absent) or the vision projector (llama.cpp "mmproj" GGUF,
   * `general.architecture = clip`) of the model `projectorOf`. A projector is stored like any model file
   * (same chunks, same downloader) under the id `<model id>#mmproj`, and is listed folded into its model.
   */
  role?: 'model' | 'projector';
  /** For a projector: the id of the model it belongs to. */
  projectorOf?: string;
  /** For a model with a vision projector: the id of the projector's record (the model then accepts images). */
  projectorId?: string;
}

/** One fixed-size piece of a model file. Chunk `i` holds bytes `[i × chunkSize, (i+1) × chunkSize)`. */
export interface WeightChunk {
  modelId: string;
  index: number;
  blob: Blob;
  size: number;
  /** SHA-256 (hex) of `blob`, computed when it was written. */
  sha256: string;
}

/** A saved conversation of a chat app. */
export interface ConversationRecord {
  id: string;
  /** The app or process namespace that owns it. */
  appId: string;
  title: string;
  modelId?: string;
  messages: ChatMessage[];
  createdAt: number;
  updatedAt: number;
  /**
   * New on every write (absent on records written before it existed): the version an optimistic write
   * expects (`putConversation`'s `expectedRevision`). Compare for equality only.
   */
  revision?: number;
}

/** One user setting (JSON-safe value). */
export interface SettingRecord {
  key: string;
  value: unknown;
  updatedAt: number;
}

/** The `llmos` database. */
export interface LlmOsDB extends DBSchema {
  models: {
    key: string;
    value: ModelRecord;
    indexes: { 'by-lastUsed': number };
  };
  chunks: {
    key: [string, number];
    value: WeightChunk;
    indexes: { 'by-model': string };
  };
  conversations: {
    key: string;
    value: ConversationRecord;
    indexes: { 'by-app': string; 'by-updatedAt': number };
  };
  settings: {
    key: string;
    value: SettingRecord;
  };
}

/** Store names, for transactions that span several stores. */
export type LlmOsStore = 'models' | 'chunks' | 'conversations' | 'settings';
