/** Process states in words. @internal */
import { msg } from '@lit/localize';
import type { ProcessState } from '../../kernel/types';

/** A process state in words. */
export function processStateWords(s: ProcessState): string {
  return {
    ready: msg('queued'),
    running: msg('running'),
    preempted: msg('preempted'),
    'waiting-for-model': msg('loading model'),
    sleeping: msg('idle'),
    exited: msg('ended'),
  }[s];
}
