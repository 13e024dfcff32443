/**
 * The browser's speech features, where present: dictation through the Web Speech API
 * (`SpeechRecognition`, prefixed `webkitSpeechRecognition` in Chromium) and read-aloud through
 * `speechSynthesis`. Callers hide the controls when `canDictate()` / `canSpeak()` say no.
 * @internal
 */

interface RecognitionResultEvent extends Event {
  resultIndex: number;
  results: ArrayLike<ArrayLike<{ transcript: string }> & { isFinal: boolean }>;
}

/** The part of `SpeechRecognition` we use. */
export interface Recognition extends EventTarget {
  lang: string;
  interimResults: boolean;
  continuous: boolean;
  start(): void;
  stop(): void;
  abort(): void;
}

type RecognitionCtor = new () => Recognition;

function recognitionCtor(): RecognitionCtor | null {
  const w = globalThis as unknown as { SpeechRecognition?: RecognitionCtor; webkitSpeechRecognition?: RecognitionCtor };
  return w.SpeechRecognition ?? w.webkitSpeechRecognition ?? null;
}

/** Whether this browser can dictate. */
export function canDictate(): boolean {
  return recognitionCtor() !== null;
}

/** Whether this browser can read text aloud. */
export function canSpeak(): boolean {
  return typeof globalThis.speechSynthesis !== 'undefined' && typeof globalThis.SpeechSynthesisUtterance !== 'undefined';
}

/**
 * Dictate into `onText` (called with the whole text heard so far, interim results included) until
 * `stop()` or silence; `onEnd` runs once either way. Returns the stop function.
 */
export function dictate(lang: string, onText: (text: string) => void, onEnd: (error?: string) => void): () => void {
  const Ctor = recognitionCtor();
  if (!Ctor) {
    onEnd('not-supported');
    return () => {};
  }
  const rec = new Ctor();
  rec.lang = lang;
  rec.interimResults = true;
  rec.continuous = false;
  const finals: string[] = [];
  let ended = false;
  const end = (error?: string) => {
    if (ended) return;
    ended = true;
    onEnd(error);
  };
  rec.addEventListener('result', (e) => {
    const ev = e as RecognitionResultEvent;
    let interim = '';
    for (let i = ev.resultIndex; i < ev.results.length; i++) {
      const r = ev.results[i]!;
      if (r.isFinal) finals[i] = r[0]!.transcript;
      else interim += r[0]!.transcript;
    }
    onText((finals.join('') + interim).trim());
  });
  rec.addEventListener('error', (e) => end((e as Event & { error?: string }).error ?? 'error'));
  rec.addEventListener('end', () => end());
  try {
    rec.start();
  } catch {
    end('start-failed');
  }
  return () => rec.stop();
}

/** Read `text` aloud in `lang`; resolves when it finishes or is cancelled. */
export function speak(text: string, lang: string): Promise<void> {
  if (!canSpeak()) return Promise.resolve();
  speechSynthesis.cancel();
  const u = new SpeechSynthesisUtterance(text);
  u.lang = lang;
  return new Promise((resolve) => {
    // Some engines (headless, no voices installed) never fire `end`: give up after a generous bound.
    const timer = setTimeout(resolve, 5000 + text.length * 150);
    u.onend = u.onerror = () => { clearTimeout(timer); resolve(); };
    speechSynthesis.speak(u);
  });
}

/** Stop reading aloud. */
export function stopSpeaking(): void {
  if (canSpeak()) speechSynthesis.cancel();
}
