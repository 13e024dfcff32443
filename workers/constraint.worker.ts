/** Constraint worker entry: checks generated output against its constraint, off the page. */
import * as Comlink from 'comlink';
import { checkOutput } from '../src/constraints/output-check';
import { installErrorTransfer } from '../src/protocol/error-transfer';
import type { ConstraintHostApi } from '../src/protocol/constraint-host-api';

installErrorTransfer();
Comlink.expose({ ready: () => true, validate: checkOutput } satisfies ConstraintHostApi);
