/**
 * Grounding for the Chat app: before each reply, the user's knowledge graph (namespace `user`) is
 * searched for what the last question mentions, and the top facts go into the prompt as a cited,
 * fenced system message — marked as data, not instructions (see src/knowledge/context.ts). The facts
 * used are reported so the app can show them under the answer.
 */
import type { ChatBackend } from '../../components/llmos-chat/chat-backend';
import type { ChatMessage } from '../../protocol/engine';
import type { CitedFact } from '../../knowledge/context';
import type { KnowledgeGraph } from '../../knowledge/knowledge-graph';

let userGraph: Promise<KnowledgeGraph | null> | null = null;

/** The user's own knowledge graph, opened once (null where storage is unavailable). */
export function openUserGraph(): Promise<KnowledgeGraph | null> {
  userGraph ??= import('../../knowledge/knowledge-store')
    .then(async ({ KnowledgeStore }) => (await KnowledgeStore.open()).graph('user'))
    .catch(() => null);
  return userGraph;
}

/** Wrap `base` so each generation is grounded in `graph()`; `onFacts` receives the facts cited. */
export function groundedBackend(base: ChatBackend, graph: () => Promise<KnowledgeGraph | null>, onFacts: (facts: CitedFact[]) => void): ChatBackend {
  return {
    async generate(request, onToken, signal) {
      const kg = await graph();
      const messages = request.messages ?? [];
      const question = [...messages].reverse().find((m) => m.role === 'user')?.content ?? '';
      let grounded: ChatMessage[] = messages;
      let facts: CitedFact[] = [];
      if (kg && question) {
        const [{ retrieve }, { groundingMessage }] = await Promise.all([import('../../knowledge/retrieve'), import('../../knowledge/context')]);
        const r = retrieve(kg, question, { tokenBudget: 384 });
        const note = groundingMessage(r.context);
        facts = r.context.facts;
        if (note) {
          // After the conversation's own system prompt (chat templates expect it first), before the turns.
          const lead = messages[0]?.role === 'system' ? 1 : 0;
          grounded = [...messages.slice(0, lead), note, ...messages.slice(lead)];
        }
      }
      onFacts(facts);
      return base.generate({ ...request, messages: grounded }, onToken, signal);
    },
  };
}
