/** Port of WPT ai/language-model/prompt/multimodal/prompt-multimodal.tentative.https.window.js. See ../../../README.md. */
import {
  createLanguageModel, ensureLanguageModel, kImageOptions, kImagePrompt, kValidImagePath, messageWithContent, promise_rejects_dom,
  promise_test, setup_wpt,
} from '../../../harness';

setup_wpt();

promise_test.fails(async t => {
  await ensureLanguageModel(kImageOptions);
  const newImage = new Image();
  newImage.src = kValidImagePath;
  const session = await createLanguageModel(kImageOptions);
  // TODO(crbug.com/409615288): Expect a TypeError according to the spec.
  return promise_rejects_dom(
      t, 'SyntaxError',
      session.prompt(messageWithContent(kImagePrompt, 'text', newImage)));
}, 'Prompt with type:"text" and image content should reject',
'TypeError, as the explainer and draft spec say (the WPT itself notes this); Chromium throws SyntaxError', /TypeError/);

promise_test(async t => {
  await ensureLanguageModel(kImageOptions);
  const newImage = new Image();
  newImage.src = kValidImagePath;
  const session = await createLanguageModel(kImageOptions);
  return promise_rejects_dom(t, 'NotSupportedError', session.prompt([
    {role: 'assistant', content: [{type: 'image', value: newImage}]}
  ]));
}, 'Prompt with assistant role should reject with multimodal input');
