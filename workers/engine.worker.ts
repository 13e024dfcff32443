/** Engine worker entry: build the host, expose it. Engines are imported lazily, inside this worker only. */
import * as Comlink from 'comlink';
import { EngineHost } from '../src/engines/engine-host';
import { ENGINE_FACTORIES } from '../src/engines/engine-factories';
import { installErrorTransfer } from '../src/protocol/error-transfer';

installErrorTransfer();
Comlink.expose(new EngineHost(ENGINE_FACTORIES));
