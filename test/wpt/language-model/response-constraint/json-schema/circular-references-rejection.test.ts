/** Port of WPT ai/language-model/response-constraint/json-schema/circular-references-rejection.tentative.https.window.js. See ../../../README.md. */
import {
  createLanguageModel, ensureLanguageModel, kTestPrompt, promise_rejects_dom, promise_test, setup_wpt,
} from '../../../harness';

setup_wpt({ maxOutputTokens: 128 });

promise_test(async t => {
  await ensureLanguageModel();
  const session = await createLanguageModel();
  // Circular reference is not valid.
  const invalidResponseJsonSchema: Record<string, unknown> = {};
  invalidResponseJsonSchema.self = invalidResponseJsonSchema;
  await promise_rejects_dom(
      t, 'NotSupportedError',
      session.prompt(
          kTestPrompt, {responseConstraint: invalidResponseJsonSchema}),
      'Response constraint is not a supported json schema.');
}, 'Prompt should reject response schemas with circular references');
