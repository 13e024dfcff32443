/**
 * Where detection runs: eld's database is 1.6 MB of JavaScript, whose parse took 0.25–1.9 s on the
 * page's thread here, so it is loaded and run in one shared worker, started by the first
 * `availability()`/`create()` that needs it. Each `detect()` is one message (the text, at most
 * `MAX_DETECT_CHARS` characters, already cut in the page). A worker that fails is dropped; the next use
 * starts a fresh one. Where workers do not exist (Node), detection runs in place.
 */
import * as Comlink from 'comlink';
import { WorkerCrashedError } from '../../errors';
import { detectLanguages, loadEld, MAX_DETECT_CHARS, type LanguageDetectionResult } from './eld-backend';

/** The worker's protocol. */
export interface DetectorWorkerApi {
  ready(): Promise<boolean>;
  detect(text: string): Promise<LanguageDetectionResult[]>;
}

/** A loaded detector. */
export interface Detector {
  detect(text: string): Promise<LanguageDetectionResult[]>;
}

let loading: Promise<Detector> | null = null;

function inPlace(): Promise<Detector> {
  return loadEld().then((eld) => ({ detect: async (text: string) => detectLanguages(eld, text.slice(0, MAX_DETECT_CHARS)) }));
}

function inWorker(): Promise<Detector> {
  const worker = new Worker(new URL('../../../workers/language-detector.worker.ts', import.meta.url), { type: 'module', name: 'llmos-language-detector' });
  const remote = Comlink.wrap<DetectorWorkerApi>(worker);
  const died = new Promise<never>((_, reject) => {
    worker.addEventListener('error', (ev) => {
      ev.preventDefault();
      reject(new WorkerCrashedError(`Language detector worker error: ${ev.message || 'failed to start'}`, {}));
    });
  });
  died.catch(() => undefined);
  const fail = (e: unknown): never => {
    worker.terminate();
    if (loading === ready) loading = null;
    throw e;
  };
  const ready: Promise<Detector> = Promise.race([remote.ready(), died]).then(() => ({
    detect: (text: string) => Promise.race([remote.detect(text.slice(0, MAX_DETECT_CHARS)), died]).catch(fail),
  }), fail);
  return ready;
}

/** The detector (loaded once; a failed load may be retried). */
export function loadDetector(): Promise<Detector> {
  loading ??= typeof Worker === 'function' ? inWorker() : inPlace();
  return loading;
}

/** Whether the detector has been asked for (its load started and did not fail). */
export function detectorRequested(): boolean {
  return loading !== null;
}
