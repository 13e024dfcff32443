/**
 * OpenAI tool calling over the kernel: the request fields (`tools`, `tool_choice`, `parallel_tool_calls`,
 * assistant `tool_calls` and `role: 'tool'` messages) → our `ToolDefinition`s, `ToolChoice` and
 * `ChatMessage`s; and the reply → `message.tool_calls` / streamed `delta.tool_calls`, shaped exactly as
 * OpenAI sends them. The prompt format and the grammar that holds the model to valid calls are the
 * engine worker's (`constraints/tool-calls.ts`); every call's arguments are validated against its
 * tool's schema (off the page, `structured-output.ts`) before the reply is returned.
 */
import { InvalidRequestError } from '../../errors';
import type { ChatMessage, ToolCall, ToolChoice, ToolDefinition } from '../../protocol/engine';
import { TOOL_NAME, MAX_TOOLS } from '../../protocol/validate-request';
import type { ToolCallDelta } from '../../constraints/tool-calls';
import { checkConstraint, validateOutput } from '../structured/structured-output';
import type { ChatCompletionChunkToolCall, ChatCompletionMessageToolCall } from './openai-types';

const bad = (field: string, message: string) => new InvalidRequestError(message, { field });
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The request's tools: offered (`tools`, empty under `tool_choice: 'none'`), the choice, parallel calls. */
export interface ParsedTools {
  tools: ToolDefinition[];
  /** What the engine is told (absent: `auto`, or no tools offered). */
  choice: ToolChoice | undefined;
  parallel: boolean | undefined;
}

/** `tools`, `tool_choice` and `parallel_tool_calls` of a request body; `InvalidRequestError` naming the field. */
export function parseTools(b: Record<string, unknown>): ParsedTools {
  const raw = b['tools'];
  const tools: ToolDefinition[] = [];
  if (raw !== undefined && raw !== null) {
    if (!Array.isArray(raw) || raw.length > MAX_TOOLS) throw bad('tools', `tools must be an array of at most ${MAX_TOOLS} tools`);
    raw.forEach((t: unknown, i) => {
      const field = `tools[${i}]`;
      if (!isObj(t) || t['type'] !== 'function' || !isObj(t['function'])) throw bad(field, `${field} must be {type: 'function', function: {name, …}}`);
      const f = t['function'];
      const name = f['name'];
      if (typeof name !== 'string' || !TOOL_NAME.test(name)) throw bad(`${field}.function.name`, `${field}.function.name must match ${TOOL_NAME.source}`);
      if (tools.some((x) => x.name === name)) throw bad(`${field}.function.name`, `${field}.function.name: ${name} is given twice`);
      const description = f['description'];
      if (description !== undefined && description !== null && typeof description !== 'string') throw bad(`${field}.function.description`, `${field}.function.description must be a string`);
      const params = f['parameters'];
      let parameters: Record<string, unknown> | undefined;
      if (params !== undefined && params !== null) {
        if (!isObj(params)) throw bad(`${field}.function.parameters`, `${field}.function.parameters must be a JSON Schema object`);
        // Limits and shape, and a plain copy: what runs is what was checked.
        parameters = (checkConstraint({ kind: 'json', schema: params }, `${field}.function.parameters`) as { schema: Record<string, unknown> }).schema;
      }
      tools.push({ name, ...(typeof description === 'string' ? { description } : {}), ...(parameters ? { parameters } : {}) });
    });
  }
  const rawChoice = b['tool_choice'];
  let choice: ToolChoice | 'none' | undefined;
  if (rawChoice === undefined || rawChoice === null) {
    choice = undefined;
  } else if (rawChoice === 'none' || rawChoice === 'auto' || rawChoice === 'required') {
    choice = rawChoice;
  } else if (isObj(rawChoice) && rawChoice['type'] === 'function' && isObj(rawChoice['function']) && typeof rawChoice['function']['name'] === 'string') {
    const name = rawChoice['function']['name'];
    if (!tools.some((t) => t.name === name)) throw bad('tool_choice', `tool_choice names ${name}, which is not among tools`);
    choice = { name };
  } else {
    throw bad('tool_choice', "tool_choice must be 'none', 'auto', 'required' or {type: 'function', function: {name}}");
  }
  if (choice !== undefined && choice !== 'none' && tools.length === 0) throw bad('tool_choice', 'tool_choice needs tools');
  const p = b['parallel_tool_calls'];
  if (p !== undefined && p !== null && typeof p !== 'boolean') throw bad('parallel_tool_calls', 'parallel_tool_calls must be a boolean');
  if (p !== undefined && p !== null && tools.length === 0) throw bad('parallel_tool_calls', 'parallel_tool_calls is only allowed when tools are given');
  // `none`: the model is not offered the tools at all (earlier calls in the history are still shown).
  if (choice === 'none') return { tools: [], choice: undefined, parallel: undefined };
  return { tools, choice: choice === 'auto' ? undefined : choice, parallel: typeof p === 'boolean' ? p : undefined };
}

/** `tool_calls` of an assistant message → our calls. */
export function parseToolCallsField(raw: unknown, field: string): ToolCall[] {
  if (!Array.isArray(raw)) throw bad(field, `${field} must be an array`);
  return raw.map((c: unknown, j) => {
    const f = `${field}[${j}]`;
    if (!isObj(c) || typeof c['id'] !== 'string' || c['type'] !== 'function' || !isObj(c['function'])) {
      throw bad(f, `${f} must be {id, type: 'function', function: {name, arguments}}`);
    }
    const { name, arguments: args } = c['function'];
    if (typeof name !== 'string' || !name) throw bad(`${f}.function.name`, `${f}.function.name must be a string`);
    if (typeof args !== 'string') throw bad(`${f}.function.arguments`, `${f}.function.arguments must be a string of JSON`);
    return { id: c['id'], name, arguments: args };
  });
}

/** A `role: 'tool'` message (content already joined to text). */
export function toolMessage(m: Record<string, unknown>, content: string, field: string): ChatMessage {
  const id = m['tool_call_id'];
  if (typeof id !== 'string' || !id) throw bad(`${field}.tool_call_id`, `${field}.tool_call_id is required on a tool message`);
  return { role: 'tool', content, toolCallId: id };
}

/** Our call → OpenAI's `message.tool_calls[i]`. */
export const openAiToolCall = (c: ToolCall): ChatCompletionMessageToolCall => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments } });

/** A parser delta → OpenAI's streamed `delta.tool_calls[0]`: the first piece of a call carries id, type and name. */
export function openAiToolCallDelta(d: ToolCallDelta): ChatCompletionChunkToolCall {
  return d.id !== undefined
    ? { index: d.index, id: d.id, type: 'function', function: { name: d.name ?? '', arguments: d.arguments } }
    : { index: d.index, function: { arguments: d.arguments } };
}

/**
 * Check every call against its tool's schema (in the constraint worker): arguments that are not a JSON
 * object, or that break the schema, are an `OutputValidationError` naming the call.
 */
export async function validateToolCalls(calls: readonly ToolCall[], tools: readonly ToolDefinition[]): Promise<void> {
  for (const c of calls) {
    const tool = tools.find((t) => t.name === c.name);
    await validateOutput(c.arguments, { kind: 'json', schema: tool?.parameters ?? { type: 'object' }, name: c.name });
  }
}
