/**
 * The tools the built-in apps offer the model (see `<llmos-chat>`'s `tools`): each is a name, what it
 * does in words (the model reads it), a small JSON Schema of its arguments — enums and length limits,
 * so that even a small model's calls are short and checked before they run — and the function that does
 * the work on the page. Arguments come from the model and are untrusted: the calculator parses them
 * (never evaluates code), the knowledge look-up only reads the graph, and every result is quoted back to
 * the model as data.
 */
import type { RunnableTool } from '../../api/tool-loop';
import type { JobParams } from '../../kernel/types';
import type { KnowledgeGraph } from '../../knowledge/knowledge-graph';
import { calculate, formatNumber, MAX_EXPRESSION_LENGTH } from './calculator';

/** The Chat app's tools, by name. */
export type ChatToolName = 'knowledge_lookup' | 'calculator' | 'current_time';
export const CHAT_TOOL_NAMES: readonly ChatToolName[] = ['knowledge_lookup', 'calculator', 'current_time'];

/** Longest query the knowledge tools take, in characters. */
export const MAX_QUERY_LENGTH = 80;

/** The calculator: `+ - * / ^`, parentheses and numbers (see `calculator.ts`). */
export function calculatorTool(): RunnableTool {
  return {
    name: 'calculator',
    description: 'Evaluate an arithmetic expression exactly: numbers, + - * / ^ and parentheses, e.g. "(2 + 3) * 4 ^ 2".',
    parameters: {
      type: 'object',
      properties: { expression: { type: 'string', minLength: 1, maxLength: MAX_EXPRESSION_LENGTH, description: 'The expression' } },
      required: ['expression'],
      additionalProperties: false,
    },
    execute: (args) => {
      const expression = args['expression'] as string;
      return { expression, result: formatNumber(calculate(expression)) };
    },
  };
}

/** The current time: ISO 8601 (UTC) and in the user's time zone (or UTC when asked). */
export function currentTimeTool(now: () => Date = () => new Date()): RunnableTool {
  return {
    name: 'current_time',
    description: "The current date and time, in ISO 8601 and in the user's time zone.",
    parameters: {
      type: 'object',
      properties: { zone: { enum: ['local', 'UTC'], description: "local (the default): the user's time zone" } },
      additionalProperties: false,
    },
    execute: (args) => {
      const date = now();
      const timeZone = args['zone'] === 'UTC' ? 'UTC' : Intl.DateTimeFormat().resolvedOptions().timeZone;
      const local = new Intl.DateTimeFormat('en-US', {
        timeZone, dateStyle: 'full', timeStyle: 'long',
      }).format(date);
      return { iso: date.toISOString(), timeZone, local };
    },
  };
}

/**
 * A look-up in a knowledge graph: the facts about what the query mentions, ranked (`retrieve`), as the
 * cited, fenced block the grounding uses (quoted as data, not instructions), or a sentence saying that
 * nothing matched. `graph` may resolve to null (storage unavailable): the call then fails in words.
 */
export function knowledgeTool(
  graph: () => Promise<KnowledgeGraph | null>,
  o: { name?: string; description?: string; tokenBudget?: number } = {},
): RunnableTool {
  return {
    name: o.name ?? 'knowledge_lookup',
    description: o.description ?? "Look up facts in the user's knowledge graph about the people, places and things a query names.",
    parameters: {
      type: 'object',
      properties: { query: { type: 'string', minLength: 1, maxLength: MAX_QUERY_LENGTH, description: 'What to look up, in a few words' } },
      required: ['query'],
      additionalProperties: false,
    },
    execute: async (args) => {
      const kg = await graph();
      if (!kg) throw new Error('The knowledge graph is not available in this browser');
      const query = args['query'] as string;
      return (await factsAbout(kg, query, o.tokenBudget ?? 384)) || `No facts in the knowledge graph match ${JSON.stringify(query)}.`;
    },
  };
}

/** The facts of `kg` about `query` as a cited, fenced block (`retrieve`), or '' when none match. */
export async function factsAbout(kg: KnowledgeGraph, query: string, tokenBudget = 384): Promise<string> {
  const { retrieve } = await import('../../knowledge/retrieve');
  return retrieve(kg, query, { tokenBudget }).context.text;
}

/**
 * Generation parameters for tool calls on a model: a random-weight test fixture (`fixture`) bans every
 * byte token by default (`randomFixtureDefaults`), but a call's format needs the ASCII ones (`<`, `{`,
 * newline…) that its vocabulary has no other piece for; ASCII bytes are valid UTF-8 on their own, so
 * they are allowed again (ids 3…130) and only the non-ASCII bytes stay banned. A greedy random model
 * would also chain calls until the token limit, so it makes one call per reply. Any other model:
 * `params` as they are.
 */
export function toolParams(params: JobParams, fixture: boolean): JobParams {
  if (!fixture) return params;
  const logitBias: Record<number, number> = { ...params.logitBias };
  for (let id = 3; id < 3 + 128; id++) logitBias[id] = 0;
  return { ...params, logitBias, parallelToolCalls: false };
}
