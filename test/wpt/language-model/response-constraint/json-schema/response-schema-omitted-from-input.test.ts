/** Port of WPT ai/language-model/response-constraint/json-schema/response-schema-omitted-from-input.tentative.https.window.js. See ../../../README.md. */
import {
  createLanguageModel, ensureLanguageModel, kValidResponseSchema, promise_test, setup_wpt, testResponseJsonSchema,
} from '../../../harness';

setup_wpt({ maxOutputTokens: 128 });

promise_test.fails(async () => {
  await ensureLanguageModel();
  const session = await createLanguageModel();
  const response = await session.prompt('hello', {
    responseConstraint: kValidResponseSchema,
    omitResponseConstraintInput: true
  });
  testResponseJsonSchema(response);
}, 'Prompt should omit response schema from input.',
'minimum/maximum are checked after generation, not enforced while sampling (src/constraints/json-schema-grammar.ts compiles no numeric ranges): an out-of-range reply is rejected with SyntaxError', /SyntaxError/);
