/**
 * Chat messages → prompt text through the model's own Jinja chat template (`tokenizer.chat_template`),
 * rendered with @huggingface/jinja within the render limits (`../template-render.ts`): a template that
 * loops is a typed error, not a wedged worker. Models without a template get ChatML, llama.cpp's fallback.
 */
import type { Template } from '@huggingface/jinja';
import type { ChatMessage } from '../../protocol/engine';
import { parseTemplate, renderChatTemplate } from '../template-render';

export const CHATML_FALLBACK =
  "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}{% endfor %}" +
  "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

export class ChatTemplate {
  private readonly template: Template;

  constructor(source: string | undefined, private readonly bosToken: string, private readonly eosToken: string) {
    try {
      this.template = parseTemplate(source || CHATML_FALLBACK);
    } catch {
      // A template our Jinja cannot parse: fall back rather than make the model unusable.
      this.template = parseTemplate(CHATML_FALLBACK);
    }
  }

  /** Render the conversation, ending with the assistant's turn opened. */
  render(messages: ChatMessage[]): string {
    return renderChatTemplate(this.template, messages, this.bosToken, this.eosToken);
  }
}
