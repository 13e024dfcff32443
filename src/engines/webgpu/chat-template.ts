/**
 * Chat messages → prompt text through the model's own Jinja chat template (`tokenizer.chat_template`),
 * rendered with @huggingface/jinja. Models without a template get ChatML, llama.cpp's fallback.
 */
import { Template } from '@huggingface/jinja';
import { InvalidRequestError } from '../../errors';
import type { ChatMessage } from '../engine';

export const CHATML_FALLBACK =
  "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}{% endfor %}" +
  "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

export class ChatTemplate {
  private readonly template: Template;

  constructor(source: string | undefined, private readonly bosToken: string, private readonly eosToken: string) {
    try {
      this.template = new Template(source || CHATML_FALLBACK);
    } catch {
      // A template our Jinja cannot parse: fall back rather than make the model unusable.
      this.template = new Template(CHATML_FALLBACK);
    }
  }

  /** Render the conversation, ending with the assistant's turn opened. */
  render(messages: ChatMessage[]): string {
    try {
      return this.template.render({
        messages: messages.map((m) => ({ role: m.role, content: m.content })),
        add_generation_prompt: true,
        bos_token: this.bosToken,
        eos_token: this.eosToken,
      });
    } catch (e) {
      throw new InvalidRequestError(`The chat template rejected these messages: ${e instanceof Error ? e.message : String(e)}`, {});
    }
  }
}
