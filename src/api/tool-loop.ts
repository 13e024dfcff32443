/**
 * The tool-call loop, for the surfaces that run tools themselves (the Prompt API's `tools`, the apps'
 * tools): generate with the tools offered; if the reply calls tools, check each call's arguments against
 * its schema, run it, feed the results back as `tool` messages, and generate again — until the model
 * answers in text. The model's calls are untrusted: a call of an unknown tool or with arguments that
 * break the schema is not run, and an `execute` that throws is reported back to the model as that
 * call's result (`Error: …`), never swallowed. At most `maxRounds` rounds offer tools; the last round
 * is generated without them, so the loop always ends with a text reply.
 */
import { AbortError, LlmOsError } from '../errors';
import type { ChatMessage, StopReason, ToolCall, ToolDefinition } from '../protocol/engine';
import { parseToolCalls } from '../constraints/tool-calls';
import { validateOutput } from './structured/structured-output';

/** A tool the loop can run: its definition and the function that does the work. */
export interface RunnableTool extends ToolDefinition {
  /** Runs the call with the parsed arguments; a string is passed on as is, anything else as JSON. */
  execute(args: Record<string, unknown>, context: { signal: AbortSignal | undefined; call: ToolCall }): unknown;
}

/** One generation of the loop: the conversation so far, with or without tools on offer. */
export type LoopGenerate = (messages: ChatMessage[], tools: readonly ToolDefinition[] | undefined) => Promise<{ text: string; stopReason: StopReason }>;

/** What happened to one call. */
export interface ToolCallRecord {
  call: ToolCall;
  /** The text fed back to the model. */
  result: string;
  /** The call was not run (unknown tool, bad arguments) or its `execute` threw. */
  error: boolean;
}

export interface ToolLoopOptions {
  tools: readonly RunnableTool[];
  generate: LoopGenerate;
  /** Rounds that offer tools (default 4); then one more without them. */
  maxRounds?: number;
  signal?: AbortSignal | undefined;
  /** Each call as it is about to run, and its record once it ran (for tool-call cards). */
  onCall?: (call: ToolCall) => void;
  onResult?: (record: ToolCallRecord) => void;
}

export interface ToolLoopResult {
  /** The final text reply. */
  text: string;
  stopReason: StopReason;
  /** What the loop added to the conversation: assistant calls, tool results, the final reply. */
  messages: ChatMessage[];
  calls: ToolCallRecord[];
}

/** At most this much of a tool's result is fed back to the model. */
export const MAX_TOOL_RESULT_CHARS = 16_384;

const describe = (e: unknown) => (e instanceof Error ? `${e.name}: ${e.message}` : String(e));

async function runCall(call: ToolCall, tools: readonly RunnableTool[], signal: AbortSignal | undefined): Promise<ToolCallRecord> {
  const tool = tools.find((t) => t.name === call.name);
  if (!tool) return { call, result: `Error: there is no tool named ${call.name}`, error: true };
  let args: Record<string, unknown>;
  try {
    args = await validateOutput(call.arguments, { kind: 'json', schema: tool.parameters ?? { type: 'object' }, name: tool.name }) as Record<string, unknown>;
  } catch (e) {
    if (!(e instanceof LlmOsError) || e.code !== 'OUTPUT_INVALID') throw e;
    return { call, result: `Error: the arguments do not match the tool's schema: ${e.message}`, error: true };
  }
  try {
    const value = await tool.execute(args, { signal, call });
    signal?.throwIfAborted();
    const text = typeof value === 'string' ? value : JSON.stringify(value ?? null);
    return { call, result: text.length > MAX_TOOL_RESULT_CHARS ? text.slice(0, MAX_TOOL_RESULT_CHARS) : text, error: false };
  } catch (e) {
    if (signal?.aborted) throw new AbortError('The request was aborted', {}, { cause: signal.reason });
    return { call, result: `Error: ${describe(e)}`, error: true };
  }
}

/** Run the loop over `messages` (which are not changed). */
export async function runToolLoop(messages: readonly ChatMessage[], o: ToolLoopOptions): Promise<ToolLoopResult> {
  const maxRounds = o.maxRounds ?? 4;
  const added: ChatMessage[] = [];
  const records: ToolCallRecord[] = [];
  const names = o.tools.map((t) => t.name);
  for (let round = 0; ; round++) {
    const offer = round < maxRounds && o.tools.length > 0 ? o.tools.map(({ name, description, parameters }) => ({ name, description, parameters })) : undefined;
    const r = await o.generate([...messages, ...added], offer);
    const { content, calls } = offer && r.stopReason !== 'length' ? parseToolCalls(r.text, names) : { content: r.text, calls: [] };
    if (!calls.length) {
      added.push({ role: 'assistant', content });
      return { text: content, stopReason: r.stopReason, messages: added, calls: records };
    }
    added.push({ role: 'assistant', content, toolCalls: calls });
    for (const call of calls) {
      o.onCall?.(call);
      const record = await runCall(call, o.tools, o.signal);
      records.push(record);
      o.onResult?.(record);
      added.push({ role: 'tool', content: record.result, toolCallId: call.id, name: call.name });
    }
  }
}
