/**
 * Token bytes → text for streaming: UTF-8 sequences split across byte tokens are held back until
 * complete (invalid bytes become U+FFFD instead of failing), and text that might be the start of a
 * stop string is held back until it is known not to be one. A completed stop string ends the
 * stream; the text before it is delivered, the stop string itself never is.
 */

export class TextStream {
  private readonly decoder = new TextDecoder('utf-8');
  private held = '';
  stopped = false;

  constructor(private readonly stops: string[] = []) {
    this.stops = stops.filter((s) => s.length > 0);
  }

  /** Add one token's bytes; returns the text that is now safe to deliver. */
  push(bytes: Uint8Array): string {
    if (this.stopped) return '';
    const text = this.held + this.decoder.decode(bytes, { stream: true });
    let cut = -1;
    for (const s of this.stops) {
      const at = text.indexOf(s);
      if (at >= 0 && (cut < 0 || at < cut)) cut = at;
    }
    if (cut >= 0) {
      this.stopped = true;
      this.held = '';
      return text.slice(0, cut);
    }
    const keep = this.partialStopSuffix(text);
    this.held = text.slice(text.length - keep);
    return text.slice(0, text.length - keep);
  }

  /** End of generation: whatever was held back (and any dangling UTF-8 as U+FFFD). */
  flush(): string {
    if (this.stopped) return '';
    const rest = this.held + this.decoder.decode();
    this.held = '';
    return rest;
  }

  /** Length of the longest suffix of `text` that is a proper prefix of some stop string. */
  private partialStopSuffix(text: string): number {
    let best = 0;
    for (const s of this.stops) {
      for (let n = Math.min(s.length - 1, text.length); n > best; n--) {
        if (text.endsWith(s.slice(0, n))) { best = n; break; }
      }
    }
    return best;
  }
}
