/**
 * Voice for `<llmos-chat>`: read a reply aloud (`speechSynthesis`) and dictate into the prompt box (Web
 * Speech API), in the host's speech language. Holds which reply is being read and whether dictation
 * listens, re-renders the host on each change, and stops both when the host leaves the page. @internal
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { dictate, speak, stopSpeaking } from './speech';

/** @internal */
export class VoiceController implements ReactiveController {
  /** Id of the reply being read aloud, if any. */
  speaking: number | null = null;
  /** Dictation is listening. */
  listening = false;
  private stopDictation: (() => void) | null = null;

  constructor(private readonly host: ReactiveControllerHost, private readonly locale: () => string) {
    host.addController(this);
  }

  hostDisconnected(): void {
    this.stopDictation?.();
    if (this.speaking !== null) stopSpeaking();
  }

  /** Read `text` aloud as reply `id`, or stop if that reply is being read. */
  async readAloud(id: number, text: string): Promise<void> {
    if (this.speaking === id) {
      stopSpeaking();
      this.set(null);
      return;
    }
    this.set(id);
    await speak(text, this.locale());
    if (this.speaking === id) this.set(null);
  }

  /** Start dictating into `box` (after what it holds), or stop. */
  toggleDictation(box: HTMLTextAreaElement | null): void {
    if (this.stopDictation) {
      this.stopDictation();
      return;
    }
    const before = box?.value ? `${box.value.trimEnd()} ` : '';
    this.listening = true;
    this.host.requestUpdate();
    this.stopDictation = dictate(this.locale(), (t) => { if (box) box.value = before + t; }, () => {
      this.listening = false;
      this.stopDictation = null;
      this.host.requestUpdate();
      box?.focus();
    });
  }

  private set(id: number | null): void {
    this.speaking = id;
    this.host.requestUpdate();
  }
}
