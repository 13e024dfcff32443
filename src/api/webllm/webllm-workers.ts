/**
 * WebLLM's worker and service-worker engines, over the same kernel as `MLCEngine`: the kernel already runs
 * every engine in its own workers, so the worker a caller hands in is accepted and not used, and the
 * worker-side handlers are no-ops (a worker script written for WebLLM still runs, and does nothing).
 */
import { MLCEngine } from './webllm-engine';
import type { ChatOptions, MLCEngineConfig } from './webllm-types';

/**
 * WebLLM's worker-backed engine. The worker is accepted and not used: the kernel already runs every
 * engine in its own workers. Nothing is posted to it, and it is not terminated (it is the caller's).
 */
export class WebWorkerMLCEngine extends MLCEngine {
  readonly worker: unknown;

  constructor(worker: unknown, engineConfig?: MLCEngineConfig) {
    super(engineConfig);
    this.worker = worker;
  }
}

/** WebLLM's `CreateWebWorkerMLCEngine`: the worker argument is ignored (see `WebWorkerMLCEngine`). */
export async function CreateWebWorkerMLCEngine(
  worker: unknown, modelId: string | string[], engineConfig?: MLCEngineConfig, chatOpts?: ChatOptions | ChatOptions[],
): Promise<WebWorkerMLCEngine> {
  const engine = new WebWorkerMLCEngine(worker, engineConfig);
  await engine.reload(modelId, chatOpts);
  return engine;
}

/** WebLLM's service-worker-backed engine: runs on the page's kernel like `MLCEngine` (`keepAliveMs` is ignored). */
export class ServiceWorkerMLCEngine extends MLCEngine {
  constructor(engineConfig?: MLCEngineConfig, _keepAliveMs?: number) {
    super(engineConfig);
  }
}

/** WebLLM's `CreateServiceWorkerMLCEngine`: an engine on the page's kernel (no service worker involved). */
export async function CreateServiceWorkerMLCEngine(
  modelId: string | string[], engineConfig?: MLCEngineConfig, chatOpts?: ChatOptions | ChatOptions[], keepAliveMs?: number,
): Promise<ServiceWorkerMLCEngine> {
  const engine = new ServiceWorkerMLCEngine(engineConfig, keepAliveMs);
  await engine.reload(modelId, chatOpts);
  return engine;
}

/**
 * The worker side of WebLLM's worker engine, as a no-op: a worker script written for WebLLM
 * (`const handler = new WebWorkerMLCEngineHandler(); self.onmessage = (m) => handler.onmessage(m);`)
 * still runs, and does nothing; the engines run in the kernel's workers.
 */
export class WebWorkerMLCEngineHandler {
  onmessage(_event: unknown): void {}
}

/** The service-worker side of WebLLM's service-worker engine, as a no-op (see `WebWorkerMLCEngineHandler`). */
export class ServiceWorkerMLCEngineHandler {
  onmessage(_event: unknown): void {}
}
