/** Words of the settings: priority classes and keep-alive choices. @internal */
import { msg } from '@lit/localize';
import type { Priority } from '../../kernel/priority';

/** A priority class in words. */
export function priorityWords(p: Priority): string {
  return { realtime: msg('Realtime'), interactive: msg('Interactive'), normal: msg('Normal'), background: msg('Background') }[p];
}

/** Keep-alive choices (ms; -1 pins, 0 unloads at once). */
export function keepAliveChoices(): { ms: number; label: string }[] {
  return [
    { ms: 0, label: msg('Unload at once') },
    { ms: 60_000, label: msg('1 minute') },
    { ms: 300_000, label: msg('5 minutes') },
    { ms: 1_800_000, label: msg('30 minutes') },
    { ms: -1, label: msg('Until I close the tab') },
  ];
}
