/**
 * The Prompt API's `tools` (`LanguageModel.create({tools: [{name, description, inputSchema, execute}]})`,
 * per the explainer's "Tool use"): converted as WebIDL converts the `LanguageModelTool` dictionary
 * (a missing member or an `execute` that is not callable is a `TypeError`), each `inputSchema` checked
 * like a `responseConstraint` (an invalid or oversized one is `NotSupportedError`), names unique.
 * The session runs the calls itself (`tool-loop.ts`): `execute(args)` gets the parsed, schema-checked
 * arguments object and its result is converted to a string as WebIDL's `Promise<DOMString>` does; a
 * rejection is reported to the model as that call's result, and the prompt goes on.
 */
import { LlmOsError } from '../../errors';
import { TOOL_NAME, MAX_TOOLS } from '../../protocol/validate-request';
import { checkConstraint } from '../structured/structured-output';
import type { RunnableTool } from '../tool-loop';
import { domError } from './prompt-errors';

/** A tool as the page gives it. */
export interface LanguageModelTool {
  name: string;
  description: string;
  inputSchema: object;
  execute: (args: Record<string, unknown>) => Promise<string> | string;
}

/** `create()`'s `tools` member → tools the loop runs. */
export function languageModelTools(raw: unknown): RunnableTool[] {
  if (raw === undefined) return [];
  if (raw === null || typeof raw !== 'object' || typeof (raw as { [Symbol.iterator]?: unknown })[Symbol.iterator] !== 'function') {
    throw new TypeError("Failed to execute 'create': The provided value cannot be converted to a sequence.");
  }
  const list = [...(raw as Iterable<unknown>)];
  if (list.length > MAX_TOOLS) throw domError('NotSupportedError', `At most ${MAX_TOOLS} tools are supported`);
  const out: RunnableTool[] = [];
  list.forEach((t, i) => {
    if (t === null || typeof t !== 'object') throw new TypeError(`tools[${i}] is not an object`);
    const d = t as Record<string, unknown>;
    for (const member of ['name', 'description', 'inputSchema', 'execute']) {
      if (d[member] === undefined) throw new TypeError(`tools[${i}]: required member ${member} is undefined`);
    }
    if (typeof d['execute'] !== 'function') throw new TypeError(`tools[${i}].execute is not a function`);
    if (typeof d['inputSchema'] !== 'object' || d['inputSchema'] === null) throw new TypeError(`tools[${i}].inputSchema is not an object`);
    const name = String(d['name']);
    const description = String(d['description']);
    if (!TOOL_NAME.test(name)) throw domError('NotSupportedError', `tools[${i}].name must match ${TOOL_NAME.source}`);
    if (out.some((o) => o.name === name)) throw domError('NotSupportedError', `Two tools are named ${name}`);
    let parameters: Record<string, unknown>;
    try {
      parameters = (checkConstraint({ kind: 'json', schema: d['inputSchema'] as Record<string, unknown> }, `tools[${i}].inputSchema`) as { schema: Record<string, unknown> }).schema;
    } catch (e) {
      if (e instanceof LlmOsError) throw domError('NotSupportedError', e.message);
      throw e;
    }
    const execute = d['execute'] as (args: Record<string, unknown>) => unknown;
    out.push({ name, description, parameters, execute: async (args) => String(await execute.call(t, args)) });
  });
  return out;
}
