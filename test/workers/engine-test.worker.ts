/**
 * TEST ONLY — the engine worker of tests: the production host (`EngineHost`, same engines) plus test hooks
 * the production protocol does not carry. Started by `spawnTestEngineWorker()` (test/helpers/engines.ts);
 * the hooks are called through `crashWorker()` there.
 */
import * as Comlink from 'comlink';
import { EngineHost } from '../../src/engines/engine-host';
import { ENGINE_FACTORIES } from '../../src/engines/engine-factories';
import { installErrorTransfer } from '../../src/protocol/error-transfer';
import type { EngineHostApi } from '../../src/protocol/engine-host-api';

/** What the test worker exposes: the production protocol and its test hooks. */
export interface TestEngineHostApi extends EngineHostApi {
  /** Make the worker die the way a crash would: no reply, no cleanup. */
  crash(): void;
}

class TestEngineHost extends EngineHost implements TestEngineHostApi {
  crash(): void {
    // A hard crash: the worker stops without replying to anything in flight.
    (globalThis as unknown as { close(): void }).close();
  }
}

installErrorTransfer();
Comlink.expose(new TestEngineHost(ENGINE_FACTORIES));
