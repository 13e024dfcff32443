/**
 * The GBNF grammar a request's constraint compiles to, built in the engine worker: the page only checks
 * a constraint's limits (`validate-request.ts`) and never runs the compilers, so a hostile schema or
 * RegExp can at worst cost this worker a few milliseconds (the compilers stop at the first limit,
 * `protocol/constraint-limits.ts`). Recent grammars are cached: a preempted job resumes with the same
 * constraint, and apps repeat theirs.
 */
import { jsonSchemaToGbnf } from '../constraints/json-schema-grammar';
import { regexpToGbnf } from '../constraints/regexp-grammar';
import { toolCallGrammar, type FreeReply, type ToolStyle } from '../constraints/tool-calls';
import { checkSchemaLimits } from '../protocol/constraint-limits';
import type { GenerateRequest } from '../protocol/engine';

const CACHE_SIZE = 8;
/** Key → grammar (`null`: a RegExp beyond what a grammar expresses), most recent last. */
const cache = new Map<string, string | null>();

function cached(key: string, build: () => string | null): string | null {
  const hit = cache.get(key);
  if (hit !== undefined) {
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  const grammar = build();
  cache.set(key, grammar);
  if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
  return grammar;
}

/**
 * The grammar that enforces the request's constraint while sampling — for a request with tools, the
 * grammar of its calls in `style` (`constraints/tool-calls.ts`; under `auto`, a JSON constraint is
 * what a reply without calls must be) — or `undefined` when there is none
 * (or a RegExp no grammar can express: the output is then only validated afterwards). A `grammar` given
 * as is wins; then `jsonSchema` / `jsonMode`; then `regexp`. Throws `InvalidRequestError` (with
 * `details.limit`) for a constraint over a limit.
 */
export function constraintGrammar(r: GenerateRequest, style: ToolStyle = 'generic'): string | undefined {
  if (r.grammar !== undefined) return r.grammar;
  if (r.tools?.length) {
    const free: FreeReply | undefined = r.jsonSchema !== undefined || r.jsonMode ? { kind: 'json', ...(r.jsonSchema ? { schema: r.jsonSchema } : {}) } : undefined;
    const key = JSON.stringify([style, r.tools, r.toolChoice, r.parallelToolCalls, free]);
    return cached(`tools:${key}`, () => toolCallGrammar({ tools: r.tools!, style, choice: r.toolChoice, parallel: r.parallelToolCalls, free })) ?? undefined;
  }
  if (r.jsonSchema !== undefined || r.jsonMode) {
    const schema = r.jsonSchema;
    // Limits first: the cache key is the schema's JSON text.
    if (schema) checkSchemaLimits(schema, 'jsonSchema');
    return cached(`json:${schema ? JSON.stringify(schema) : ''}`, () => jsonSchemaToGbnf(schema)) ?? undefined;
  }
  if (r.regexp) {
    const { source, flags } = r.regexp;
    return cached(`re:${flags}:${source}`, () => regexpToGbnf({ source, flags })) ?? undefined;
  }
  return undefined;
}
