/** Words of the model library: states and ETAs. @internal */
import { msg, str } from '@lit/localize';
import type { ModelState } from '../../storage/schema';

/** A model's storage state in words. */
export function stateWords(s: ModelState): string {
  return { remote: msg('not downloaded'), partial: msg('partly downloaded'), cached: msg('on this device') }[s];
}

/** "ETA 12 s", "ETA 3 min", or '' when unknown. */
export function etaWords(sec: number | null): string {
  if (sec === null || !Number.isFinite(sec)) return '';
  if (sec < 60) return msg(str`ETA ${Math.max(1, Math.round(sec))} s`);
  if (sec < 3600) return msg(str`ETA ${Math.round(sec / 60)} min`);
  return msg(str`ETA ${(sec / 3600).toFixed(1)} h`);
}
