/**
 * Chat messages → prompt text through the model's own Jinja chat template (`tokenizer.chat_template`),
 * rendered with @huggingface/jinja within the render limits (`../template-render.ts`): a template that
 * loops is a typed error, not a wedged worker. Models without a template get ChatML, llama.cpp's fallback.
 */
import type { Template } from '@huggingface/jinja';
import type { ChatMessage, GenerateRequest } from '../../protocol/engine';
import { templateToolStyle, toolConversation, type ToolStyle } from '../../constraints/tool-calls';
import { parseTemplate, renderChatTemplate } from '../template-render';

export const CHATML_FALLBACK =
  "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}{% endfor %}" +
  "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

export class ChatTemplate {
  private readonly template: Template;
  /** How this model is prompted with tools (its template's own format, or the generic one). */
  readonly toolStyle: ToolStyle;

  constructor(source: string | undefined, private readonly bosToken: string, private readonly eosToken: string) {
    try {
      this.template = parseTemplate(source || CHATML_FALLBACK);
      this.toolStyle = templateToolStyle(source);
    } catch {
      this.toolStyle = 'generic';
      // A template our Jinja cannot parse: fall back rather than make the model unusable.
      this.template = parseTemplate(CHATML_FALLBACK);
    }
  }

  /**
   * Render the conversation, ending with the assistant's turn opened; a request's tools are written in the
   * template's format or the generic one (`constraints/tool-calls.ts`). This engine samples without a
   * grammar: a call is parsed from what the model writes, not enforced.
   */
  render(messages: ChatMessage[], request: Pick<GenerateRequest, 'tools' | 'toolChoice' | 'parallelToolCalls'> = {}): string {
    const conv = toolConversation(messages, request.tools, this.toolStyle, request.toolChoice, request.parallelToolCalls);
    return renderChatTemplate(this.template, conv.messages, this.bosToken, this.eosToken, conv.tools);
  }
}
