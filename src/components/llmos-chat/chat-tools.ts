/**
 * Tool calls as `<llmos-chat>` keeps and shows them (pure; the loop itself is `api/tool-loop.ts`). A
 * reply that used tools holds its *steps* — the assistant messages that made calls and the `tool`
 * messages with their results, exactly as they are sent back to the model — and a *view* of each call
 * for its card. @internal
 */
import type { ChatMessage, ToolCall } from '../../protocol/engine';

/** One tool call as its card shows it. */
export interface ToolCallView {
  call: ToolCall;
  /**
   * `running` while it runs; `done` with its result; `error`: not run (an unknown tool, arguments that
   * break the schema) or its `execute` threw — the result says why; `stopped`: the reply was stopped or
   * failed before it finished.
   */
  state: 'running' | 'done' | 'error' | 'stopped';
  /** The text fed back to the model. */
  result?: string;
  /** Text the model wrote before this call's round of calls (on the round's first call only). */
  lead?: string;
}

/** Whether a message is a step of a tool-using reply (an assistant message with calls, or a tool result). */
export function isToolStep(m: ChatMessage): boolean {
  return m.role === 'tool' || (m.role === 'assistant' && (m.toolCalls?.length ?? 0) > 0);
}

/**
 * The cards of saved steps: each call with its result. A result starting with `Error:` is an error (the
 * loop writes failures so); a call without a result never finished.
 */
export function toolCallViews(steps: readonly ChatMessage[]): ToolCallView[] {
  const results = new Map<string, string>();
  for (const m of steps) if (m.role === 'tool' && m.toolCallId !== undefined) results.set(m.toolCallId, m.content);
  return steps.flatMap((m) => (m.role === 'assistant' && m.toolCalls?.length ? m.toolCalls.map((call, i): ToolCallView => {
    const result = results.get(call.id);
    return {
      call,
      state: result === undefined ? 'stopped' : result.startsWith('Error:') ? 'error' : 'done',
      ...(result !== undefined ? { result } : {}),
      ...(i === 0 && m.content.trim() ? { lead: m.content } : {}),
    };
  }) : []));
}

/** JSON text pretty-printed (two-space indent); anything else as it is. */
export function prettyJson(text: string): string {
  const t = text.trim();
  if (!t.startsWith('{') && !t.startsWith('[')) return text;
  try {
    return JSON.stringify(JSON.parse(t), null, 2);
  } catch {
    return text;
  }
}
