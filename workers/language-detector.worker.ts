/** Language-detector worker entry: eld and its database, loaded and run off the page. */
import * as Comlink from 'comlink';
import { detectLanguages, loadEld } from '../src/api/language-detector/eld-backend';
import type { DetectorWorkerApi } from '../src/api/language-detector/detector-worker';

Comlink.expose({
  ready: async () => { await loadEld(); return true; },
  detect: async (text: string) => detectLanguages(await loadEld(), text),
} satisfies DetectorWorkerApi);
