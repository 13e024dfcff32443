import { css, html } from 'lit';
import { state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { msg, str } from '@lit/localize';
import '../../components/llmos-chat/define';
import '../../components/llmos-damaged-records/define';
import type { LlmosChat } from '../../components/llmos-chat/llmos-chat';
import type { LlmosMessagesChangeEvent } from '../../components/shared/generation-events';
import { LlmosDeleteRequestEvent } from '../../components/shared/desktop-events';
import { themeStyles } from '../../components/shared/theme.styles';
import { ICONS } from '../../components/shared/icons';
import type { ChatMessage } from '../../protocol/engine';
import { deleteConversation, listConversations } from '../../storage/conversations';
import { getSetting, setSetting } from '../../storage/settings';
import type { CheckedStore, DamagedRecord } from '../../storage/damaged-records';
import type { LlmOsDatabase } from '../../storage/db';
import type { ConversationRecord } from '../../storage/schema';
import { AiAppElement } from '../shared/ai-app';
import { appStyles } from '../shared/app.styles';
import { ConversationSaver } from './conversation-saver';
import { conversationToJson, conversationToMarkdown, downloadText, fileName } from './export';
import { groundedBackend, openUserGraph } from './grounding';
import type { CitedFact } from '../../knowledge/context';
import type { RunnableTool } from '../../api/tool-loop';
import { calculatorTool, CHAT_TOOL_NAMES, currentTimeTool, knowledgeTool, toolParams, type ChatToolName } from './tools';

/** Settings key of the tools switched on (an array of tool names; none by default). */
export const TOOLS_KEY = 'chat.tools';

/** Title of a conversation: its first user message, shortened ("Image" for a message that is only an image). */
function titleOf(messages: readonly ChatMessage[], fallback: string): string {
  const user = messages.find((m) => m.role === 'user');
  const first = user?.content.trim().replace(/\s+/g, ' ');
  if (!first) return user?.images?.length ? msg('Image') : fallback;
  return first.length > 48 ? `${first.slice(0, 47)}…` : first;
}

/**
 * The Chat app: conversations saved in IndexedDB at every chunk of a reply (a reload mid-generation
 * keeps what was streamed), a system prompt per conversation, export as Markdown or JSON, and the chat
 * element's Stop, Regenerate, Copy, read-aloud and dictation. Each window is one kernel process. A saved
 * conversation that cannot be read is skipped and listed in a notice that offers to delete it. Tools
 * (knowledge look-up, calculator, current time) are off until switched on in the *Tools* section; the
 * choice is saved, and each call shows in the chat as a card.
 *
 * @summary Chat app with saved conversations.
 *
 * @event llmos-delete-request - `LlmosDeleteRequestEvent` (cancelable) before a conversation is deleted.
 *
 * @csspart sidebar - The conversation list. @csspart chat - The `<llmos-chat>` element.
 */
export class LlmosChatApp extends AiAppElement {
  static override styles = [themeStyles, appStyles, css`
    :host { display: grid; grid-template-columns: minmax(11rem, 15rem) minmax(0, 1fr); grid-template-rows: minmax(0, 1fr); }
    .sidebar { border-right: 1px solid var(--_border); display: flex; flex-direction: column; min-height: 0; background: var(--_surface); }
    .sidebar .new { margin: 0.6rem; display: inline-flex; align-items: center; justify-content: center; gap: 0.35rem; white-space: nowrap; font-size: 0.85rem; padding: 0.45em 0.7em; }
    .convs { list-style: none; margin: 0; padding: 0 0.4rem 0.6rem; overflow: auto; display: flex; flex-direction: column; gap: 0.15rem; }
    .convs button { width: 100%; text-align: left; font-weight: 500; border-color: transparent; background: transparent; padding: 0.45rem 0.6rem;
      overflow: hidden; text-overflow: ellipsis; white-space: nowrap; font-size: 0.88rem; }
    .convs button[aria-current='true'] { background: var(--_bg); border-color: var(--_border); font-weight: 600; }
    .main { display: flex; flex-direction: column; min-height: 0; min-width: 0; }
    details { padding: 0 0.75rem; border-bottom: 1px solid var(--_border); }
    details summary { cursor: pointer; padding: 0.45rem 0; font-size: 0.88rem; font-weight: 600; color: var(--_muted); }
    details textarea { width: 100%; margin-bottom: 0.6rem; }
    .tools fieldset { border: 0; margin: 0 0 0.6rem; padding: 0; display: flex; flex-direction: column; gap: 0.35rem; font-size: 0.88rem; }
    .tools label.tool { display: flex; gap: 0.45rem; align-items: baseline; }
    .tools p { margin: 0.2rem 0 0; font-size: 0.82rem; }
    llmos-chat { flex: 1; min-height: 0; border: 0; border-radius: 0; }
    .toolbar button { padding: 0.3em 0.7em; font-size: 0.85rem; }
    .toolbar .ground { display: inline-flex; align-items: center; gap: 0.3rem; font-size: 0.85rem; }
    .facts { border-top: 1px solid var(--_border, #ccc); padding: 0.4rem 0.75rem; font-size: 0.82rem; max-height: 8rem; overflow: auto; }
    .facts ol { margin: 0; padding-left: 1.2rem; }
    .toolbar .compact { display: inline-flex; align-items: center; gap: 0.25rem; padding: 0.3em 0.5em; }
    .toolbar .compact svg { width: 16px; height: 16px; }
    @container (max-width: 44rem) { :host { grid-template-columns: minmax(0, 1fr); } .sidebar { display: none; } }
    @media (max-width: 40rem) { :host { grid-template-columns: minmax(0, 1fr); } .sidebar { display: none; } }
  `];

  readonly appId = 'chat';
  /** @internal */ @state() conversations: ConversationRecord[] = [];
  /** @internal */ @state() current: ConversationRecord | null = null;
  /** Whether answers are grounded in the user's knowledge graph. */
  @state() grounding = false;
  /** @internal Facts cited for the last grounded answer. */
  @state() private facts: CitedFact[] = [];
  /** The tools the model may call (none by default; saved with the settings). */
  @state() enabledTools: ChatToolName[] = [];
  private readonly toolbox: Record<ChatToolName, RunnableTool> = {
    knowledge_lookup: knowledgeTool(openUserGraph),
    calculator: calculatorTool(),
    current_time: currentTimeTool(),
  };
  private db: LlmOsDatabase | null = null;
  private saver: ConversationSaver | null = null;
  private opened: Promise<void> | null = null;
  private readonly damagedStores: readonly CheckedStore[] = ['conversations'];
  private readonly ownDamaged = (r: DamagedRecord) => r.appId === this.appId;

  /** The chat element of this window. */
  get chat(): LlmosChat | null {
    return this.renderRoot?.querySelector('llmos-chat') ?? null;
  }

  /** Resolves once the saved conversations are listed and the newest is open. */
  get ready(): Promise<void> {
    return this.opened ?? Promise.resolve();
  }

  protected override willUpdate(changed: Map<PropertyKey, unknown>): void {
    super.willUpdate(changed);
    if (changed.has('services') && this.services && !this.opened) this.opened = this.restore();
  }

  protected override updated(changed: Map<PropertyKey, unknown>): void {
    const chat = this.chat;
    if (!chat) return;
    if (changed.has('pid') || changed.has('model') || changed.has('services') || changed.has('grounding') || changed.has('enabledTools')) {
      const base = this.backend();
      chat.backend = base && this.grounding ? groundedBackend(base, openUserGraph, (f) => { this.facts = f; }) : base;
      const tools = CHAT_TOOL_NAMES.filter((n) => this.enabledTools.includes(n)).map((n) => this.toolbox[n]);
      chat.tools = tools;
      chat.params = tools.length ? toolParams(this.params(), this.modelInfo?.fixture ?? false) : this.params();
      // Images only for a model that takes them (a GGUF model with a vision projector, a WebLLM vision model).
      chat.acceptsImages = this.modelInfo?.vision ?? false;
    }
  }

  private async restore(): Promise<void> {
    this.db = await this.services!.db();
    this.saver = new ConversationSaver(this.db);
    let tools: unknown[];
    try {
      [tools, this.conversations] = await Promise.all([getSetting<unknown[]>(this.db, TOOLS_KEY, []), listConversations(this.db, this.appId)]);
    } catch (e) {
      // The window was closed (and the desktop's database with it) while it was opening: nothing to show.
      if (!this.isConnected) return;
      throw e;
    }
    this.enabledTools = CHAT_TOOL_NAMES.filter((n) => tools.includes(n));
    await this.updateComplete;
    if (this.conversations[0]) this.open(this.conversations[0]);
    else this.newConversation();
  }

  /** Start a new, empty conversation (saved once it has a message). */
  newConversation(): void {
    const now = Date.now();
    this.current = { id: crypto.randomUUID(), appId: this.appId, title: msg('New conversation'), messages: [], createdAt: now, updatedAt: now };
    this.chat?.load([]);
    if (this.chat) this.chat.system = '';
  }

  /** Show a saved conversation. */
  open(c: ConversationRecord): void {
    this.current = structuredClone(c);
    const system = c.messages[0]?.role === 'system' ? c.messages[0].content : '';
    if (c.modelId && this.models.some((m) => m.id === c.modelId)) this.model = c.modelId;
    const chat = this.chat;
    if (chat) {
      chat.system = system;
      chat.load(c.messages);
    }
  }

  /** Switch a tool on or off for this app (saved). */
  async setTool(name: ChatToolName, on: boolean): Promise<void> {
    const next = CHAT_TOOL_NAMES.filter((n) => (n === name ? on : this.enabledTools.includes(n)));
    this.enabledTools = next;
    if (this.services) await setSetting(await this.services.db(), TOOLS_KEY, next);
  }

  private get systemPrompt(): string {
    return this.current?.messages[0]?.role === 'system' ? this.current.messages[0].content : '';
  }

  private persist(messages: ChatMessage[]): void {
    const c = this.current;
    if (!c || !this.saver) return;
    const system = this.systemPrompt;
    c.messages = [...(system ? [{ role: 'system' as const, content: system }] : []), ...messages];
    c.title = titleOf(c.messages, msg('New conversation'));
    if (this.model) c.modelId = this.model;
    c.updatedAt = Date.now();
    if (!messages.length) return;
    void this.saver.save(c);
    const others = this.conversations.filter((x) => x.id !== c.id);
    const listed = this.conversations.find((x) => x.id === c.id);
    if (!listed || listed.title !== c.title || this.conversations[0]?.id !== c.id) this.conversations = [{ ...c }, ...others];
  }

  private setSystem(value: string): void {
    const c = this.current;
    if (!c) return;
    const rest = c.messages.filter((m, i) => !(i === 0 && m.role === 'system'));
    c.messages = [...(value.trim() ? [{ role: 'system' as const, content: value }] : []), ...rest];
    if (this.chat) this.chat.system = value;
    if (rest.length) void this.saver?.save(c);
    this.requestUpdate();
  }

  private async deleteCurrent(): Promise<void> {
    const c = this.current;
    if (!c || !this.db) return;
    if (!this.dispatchEvent(new LlmosDeleteRequestEvent({ kind: 'conversation', id: c.id, name: c.title }))) return;
    this.chat?.stop();
    await this.saver?.flush();
    await deleteConversation(this.db, c.id);
    this.conversations = this.conversations.filter((x) => x.id !== c.id);
    if (this.conversations[0]) this.open(this.conversations[0]);
    else this.newConversation();
  }

  private export(kind: 'md' | 'json'): void {
    const c = this.current;
    if (!c) return;
    if (kind === 'md') {
      const text = conversationToMarkdown(c, { user: msg('You'), assistant: msg('Assistant'), system: msg('System prompt'), image: msg('Image') });
      downloadText(fileName(c.title, 'md'), text, 'text/markdown');
    } else {
      downloadText(fileName(c.title, 'json'), conversationToJson(c), 'application/json');
    }
  }

  private renderTools() {
    const words: Record<ChatToolName, [string, string]> = {
      knowledge_lookup: [msg('Knowledge lookup'), msg('Looks up facts in your knowledge graph.')],
      calculator: [msg('Calculator'), msg('Exact arithmetic: numbers, + − × ÷, powers and parentheses.')],
      current_time: [msg('Current time'), msg('The date, the time and your time zone.')],
    };
    const n = this.enabledTools.length;
    return html`<details part="tools" class="tools">
      <summary>${n ? msg(str`Tools: ${n} on`) : msg('Tools: off')}</summary>
      <fieldset>
        <legend class="visually-hidden">${msg('Tools the model may use')}</legend>
        ${CHAT_TOOL_NAMES.map((name) => html`<label class="tool"><input type="checkbox" name="tool" value=${name}
          .checked=${this.enabledTools.includes(name)} @change=${(e: Event) => void this.setTool(name, (e.target as HTMLInputElement).checked)}>
          <span><strong>${words[name][0]}</strong> <span class="muted">${words[name][1]}</span></span></label>`)}
        <p class="muted">${msg('The model decides when to use a tool. Each call shows in the chat as a card: open it to see what was asked and what came back.')}</p>
      </fieldset>
    </details>`;
  }

  protected override render() {
    const c = this.current;
    const hasMessages = (c?.messages.filter((m) => m.role !== 'system').length ?? 0) > 0;
    return html`
      <nav part="sidebar" class="sidebar" aria-label=${msg('Conversations')}>
        <button type="button" class="new" @click=${() => this.newConversation()}>${ICONS.plus}<span>${msg('New conversation')}</span></button>
        <ul class="convs">${repeat(this.conversations, (x) => x.id, (x) => html`<li><button type="button" aria-current=${x.id === c?.id ? 'true' : 'false'}
          title=${x.title} @click=${() => this.open(x)}>${x.title}</button></li>`)}</ul>
      </nav>
      <div class="main">
        <llmos-damaged-records part="damaged" .db=${this.db} .stores=${this.damagedStores} .match=${this.ownDamaged}></llmos-damaged-records>
        <div class="toolbar">
          ${this.renderModelSelect()}
          <label class="ground"><input type="checkbox" .checked=${this.grounding}
            @change=${(e: Event) => { this.grounding = (e.target as HTMLInputElement).checked; this.facts = []; }}>
            ${msg('Ground in my knowledge graph')}</label>
          <span class="spacer"></span>
          <button type="button" class="compact" ?disabled=${!hasMessages} aria-label=${msg('Export Markdown')} title=${msg('Export Markdown')}
            @click=${() => this.export('md')}>${ICONS.download}<span>MD</span></button>
          <button type="button" class="compact" ?disabled=${!hasMessages} aria-label=${msg('Export JSON')} title=${msg('Export JSON')}
            @click=${() => this.export('json')}>${ICONS.download}<span>JSON</span></button>
          <button type="button" class="compact" ?disabled=${!hasMessages} aria-label=${msg(str`Delete conversation ${c?.title ?? ''}`)}
            title=${msg('Delete')} @click=${() => void this.deleteCurrent()}>${ICONS.trash}</button>
        </div>
        ${this.renderTools()}
        <details ?open=${!!this.systemPrompt}>
          <summary>${msg('System prompt')}</summary>
          <label class="visually-hidden" for="system">${msg('System prompt')}</label>
          <textarea id="system" rows="2" .value=${this.systemPrompt} placeholder=${msg('For example: You are a concise assistant.')}
            @change=${(e: Event) => this.setSystem((e.target as HTMLTextAreaElement).value)}></textarea>
        </details>
        <llmos-chat part="chat" max-tokens="256" @llmos-messages-change=${(e: LlmosMessagesChangeEvent) => this.persist(e.detail.messages)}></llmos-chat>
        ${this.grounding && this.facts.length ? html`<section class="facts" part="facts" aria-label=${msg('Facts cited from your knowledge graph')}>
          <ol>${this.facts.map((f) => html`<li data-tag=${f.citation}><span class="tag">[${f.citation}]</span> ${f.subject.label} — ${f.predicate} — ${f.object.label}</li>`)}</ol>
        </section>` : ''}
      </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'llmos-chat-app': LlmosChatApp;
  }
}
