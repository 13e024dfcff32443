/**
 * Shape checks for every record read back from IndexedDB. The database is the user's own, but it is
 * written by older versions, other tabs, extensions and DevTools, and a record the code cannot use (a
 * conversation whose `messages` is not an array, a model record without a numeric size) must never
 * reach the UI as a `TypeError`. Each check answers `null` for a usable record, or the first problem in
 * words (a field path and what it should be), which the store modules report (`damaged-records.ts`)
 * before skipping the record.
 */
/** Why a stored value cannot be used, or null when it can. */
export type Problem = string | null;

type Check = (v: unknown) => Problem;

/** A problem found inside `field` (`.messages[0] is not an object`). */
const within = (field: string, p: string): string => (p.startsWith('[') || p.startsWith('.') ? `${field}${p}` : `${field} ${p}`);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const str: Check = (v) => (typeof v === 'string' ? null : 'is not a string');
const text: Check = (v) => (typeof v === 'string' && v.length > 0 ? null : 'is not a non-empty string');
const num: Check = (v) => (typeof v === 'number' && Number.isFinite(v) ? null : 'is not a finite number');
const count: Check = (v) => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? null : 'is not a number ≥ 0');
const bool: Check = (v) => (typeof v === 'boolean' ? null : 'is not true or false');
const oneOf = (...values: readonly unknown[]): Check => (v) => (values.includes(v) ? null : `is not one of ${values.join(', ')}`);
const arrayOf = (item: Check): Check => (v) => {
  if (!Array.isArray(v)) return 'is not an array';
  for (let i = 0; i < v.length; i++) {
    const p = item(v[i]);
    if (p) return within(`[${i}]`, p);
  }
  return null;
};

/** Check the fields of an object: `required` must be there, `optional` may be absent (or undefined). */
function shape(required: Record<string, Check>, optional: Record<string, Check> = {}): Check {
  return (v) => {
    if (!isObject(v)) return 'is not an object';
    for (const [k, check] of Object.entries(required)) {
      const p = check(v[k]);
      if (p) return within(`.${k}`, p);
    }
    for (const [k, check] of Object.entries(optional)) {
      const p = v[k] === undefined ? null : check(v[k]);
      if (p) return within(`.${k}`, p);
    }
    return null;
  };
}

const toolCall = shape({ id: str, name: str, arguments: str });
/** A chat message; tool steps (an assistant's `toolCalls`, a `tool` result) are kept since tool calling. */
const message = shape(
  { role: oneOf('system', 'user', 'assistant', 'tool'), content: str },
  { images: arrayOf(str), toolCalls: arrayOf(toolCall), toolCallId: str, name: str },
);

const conversation = shape(
  { id: text, appId: str, title: str, messages: arrayOf(message), createdAt: num, updatedAt: num },
  { modelId: str, revision: num },
);

const hyper = shape({
  architecture: str, name: str, contextLength: count, embeddingLength: count, blockCount: count, headCount: count,
  headCountKv: count, feedForwardLength: count, vocabSize: count, fileType: str,
});

const model = shape(
  {
    id: text, name: str, engine: oneOf('wllama'), origin: oneOf('catalog', 'url', 'import'), sizeBytes: count,
    chunkSize: (v) => (typeof v === 'number' && Number.isInteger(v) && v > 0 ? null : 'is not a whole number > 0'),
    storedBytes: count, state: oneOf('remote', 'partial', 'cached'), createdAt: num, lastUsed: num,
  },
  {
    url: str, sizeHint: count, sha256: str, chunkSha256: arrayOf(str), verified: bool, etag: str, quantisation: str, hyper,
    memoryBytes: count, pending: bool, role: oneOf('model', 'projector'), projectorOf: str, projectorId: str,
  },
);

const chunk = shape({
  modelId: text, index: count, size: count, sha256: str,
  blob: (v) => (v instanceof Blob ? null : 'is not a Blob'),
});

const setting = shape({ key: text, updatedAt: num });

/** `p` as a problem of a setting's value. */
export const inValue = (p: Problem): Problem => (p === null ? null : within('.value', p));

/** Problems of a stored conversation. */
export const conversationProblem = (v: unknown): Problem => conversation(v);
/** Problems of a stored model record. */
export const modelProblem = (v: unknown): Problem => model(v);
/** Problems of a stored weight chunk. */
export const chunkProblem = (v: unknown): Problem => chunk(v);
/** Problems of a stored setting record (its envelope; the value is checked by its reader). */
export const settingProblem = (v: unknown): Problem => setting(v);

/**
 * Whether a stored setting value has the kind of its default: the same `typeof` (a finite number for a
 * number), an array for an array, a plain object for a plain object. Readers with stricter needs pass
 * their own check to `getSetting`.
 */
export function sameKind(value: unknown, fallback: unknown): Problem {
  if (Array.isArray(fallback)) return Array.isArray(value) ? null : 'is not an array';
  if (isObject(fallback)) return isObject(value) ? null : 'is not an object';
  if (fallback === null || fallback === undefined) return null;
  return typeof value === typeof fallback && (typeof value !== 'number' || Number.isFinite(value)) ? null : `is not a ${typeof fallback}`;
}

/** A map of finite numbers (`{ id: timestamp }`): a check for `getSetting`. */
export const numberMap = (v: unknown): Problem => {
  if (!isObject(v)) return 'is not an object';
  for (const [k, n] of Object.entries(v)) if (num(n)) return within(`.${k}`, num(n)!);
  return null;
};
