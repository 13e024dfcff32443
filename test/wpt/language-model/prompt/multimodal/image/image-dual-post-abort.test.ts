/** Port of WPT ai/language-model/prompt/multimodal/image/image-dual-post-abort.tentative.https.window.js. See ../../../../README.md. */
import {
  assert_greater_than, createLanguageModel, ensureLanguageModel, kImageOptions, kTestPrompt, kValidImagePath, promise_rejects_dom,
  promise_test, setup_wpt,
} from '../../../../harness';

setup_wpt();

promise_test(async t => {
  await ensureLanguageModel(kImageOptions);
  const imageBlob = await (await fetch(kValidImagePath)).blob();
  const session = await createLanguageModel(kImageOptions);

  const message = [{
    role: 'user',
    content: [
      {type: 'image', value: imageBlob},
      {type: 'image', value: imageBlob},
      {type: 'text', value: 'compare these images'}
    ]
  }];

  const controller = new AbortController();
  const promise = session.prompt(message, { signal: controller.signal });
  controller.abort();
  await promise_rejects_dom(t, 'AbortError', promise);

  // Prompt again on the same session to ensure it is still usable.
  const result = await session.prompt(kTestPrompt);
  assert_greater_than(result.length, 0);
}, "Multimodal prompt with dual image inputs after aborting a previous request.");
