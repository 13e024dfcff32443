/**
 * The Prompt API's `tools` (`LanguageModel.create({tools: [{name, description, inputSchema, execute}]})`,
 * per the explainer's "Tool use"), checked as Chromium's Web Platform Tests check them
 * (`language-model-tool-use`): every problem with a tool's definition is a `TypeError` — a missing
 * member, an empty name or description, a repeated name, an `inputSchema` that is not an object schema
 * (`type: 'object'`, well-formed `properties` / `required`) or cannot be serialised (a circular one) —
 * and an exception thrown while the schema is serialised (a throwing `toJSON` or getter) propagates as
 * it is. Schemas are also held to the `responseConstraint` limits (a `TypeError` too).
 *
 * The session runs the calls itself (`tool-loop.ts`): `execute(args)` gets the parsed, schema-checked
 * arguments object and its result is converted to a string as WebIDL's `Promise<DOMString>` does; a
 * rejection is reported to the model as that call's result, and the prompt goes on. A tool without
 * `execute` (Chromium's open-loop design) can be offered, but a call of it is answered with an error.
 */
import { LlmOsError } from '../../errors';
import { TOOL_NAME, MAX_TOOLS } from '../../protocol/validate-request';
import { checkConstraint } from '../structured/structured-output';
import type { RunnableTool } from '../tool-loop';

/** A tool as the page gives it. */
export interface LanguageModelTool {
  name: string;
  description: string;
  inputSchema: object;
  execute?: (args: Record<string, unknown>) => Promise<string> | string;
}

/** `create()`'s `tools` member → tools the loop runs. */
export function languageModelTools(raw: unknown): RunnableTool[] {
  if (raw === undefined) return [];
  if (raw === null || typeof raw !== 'object' || typeof (raw as { [Symbol.iterator]?: unknown })[Symbol.iterator] !== 'function') {
    throw new TypeError("Failed to execute 'create': The provided value cannot be converted to a sequence.");
  }
  const list = [...(raw as Iterable<unknown>)];
  if (list.length > MAX_TOOLS) throw new TypeError(`At most ${MAX_TOOLS} tools are supported`);
  const out: RunnableTool[] = [];
  list.forEach((t, i) => {
    if (t === null || typeof t !== 'object') throw new TypeError(`tools[${i}] is not an object`);
    const d = t as Record<string, unknown>;
    for (const member of ['name', 'description', 'inputSchema']) {
      if (d[member] === undefined) throw new TypeError(`tools[${i}]: required member ${member} is undefined`);
    }
    const exec = d['execute'];
    if (exec !== undefined && typeof exec !== 'function') throw new TypeError(`tools[${i}].execute is not a function`);
    if (typeof d['inputSchema'] !== 'object' || d['inputSchema'] === null) throw new TypeError(`tools[${i}].inputSchema is not an object`);
    const name = String(d['name']);
    const description = String(d['description']);
    if (!name || !TOOL_NAME.test(name)) throw new TypeError(`tools[${i}].name must match ${TOOL_NAME.source}`);
    if (!description) throw new TypeError(`tools[${i}].description must not be empty`);
    if (out.some((o) => o.name === name)) throw new TypeError(`Two tools are named ${name}`);
    // Its shape read from the page's object (a throwing getter propagates), then serialised as the
    // browser does (a throwing toJSON or getter propagates, a cycle is JSON's TypeError).
    const schema = d['inputSchema'] as Record<string, unknown>;
    if (schema['type'] !== 'object') throw new TypeError(`tools[${i}].inputSchema must be a JSON Schema with type "object"`);
    const props = schema['properties'];
    if (props !== undefined && (typeof props !== 'object' || props === null || Array.isArray(props))) throw new TypeError(`tools[${i}].inputSchema.properties must be an object`);
    if (schema['required'] !== undefined && !Array.isArray(schema['required'])) throw new TypeError(`tools[${i}].inputSchema.required must be an array`);
    const parameters = JSON.parse(JSON.stringify(schema)) as Record<string, unknown>;
    try {
      checkConstraint({ kind: 'json', schema: parameters }, `tools[${i}].inputSchema`);
    } catch (e) {
      if (e instanceof LlmOsError) throw new TypeError(e.message, { cause: e });
      throw e;
    }
    const execute = exec as ((args: Record<string, unknown>) => unknown) | undefined;
    out.push({
      name, description, parameters,
      execute: async (args) => {
        if (!execute) throw new Error(`${name} has no execute function: the page runs it`);
        return String(await execute.call(t, args));
      },
    });
  });
  return out;
}
