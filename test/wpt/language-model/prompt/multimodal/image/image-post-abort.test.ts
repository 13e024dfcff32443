/** Port of WPT ai/language-model/prompt/multimodal/image/image-post-abort.tentative.https.window.js. See ../../../../README.md. */
import {
  assert_greater_than, createLanguageModel, ensureLanguageModel, kImageOptions, kImagePrompt, kTestPrompt, kValidImagePath,
  messageWithContent, promise_rejects_dom, promise_test, setup_wpt,
} from '../../../../harness';

setup_wpt();

promise_test(async t => {
  await ensureLanguageModel(kImageOptions);
  const blob = await (await fetch(kValidImagePath)).blob();
  const session = await createLanguageModel(kImageOptions);

  const controller = new AbortController();
  const promise = session.prompt(
      messageWithContent(kImagePrompt, 'image', blob),
      { signal: controller.signal }
  );
  controller.abort();
  await promise_rejects_dom(t, 'AbortError', promise);

  // Prompt again on the same session to ensure it is still usable.
  const result = await session.prompt(kTestPrompt);
  assert_greater_than(result.length, 0);
}, "Multimodal image prompt after aborting a previous multimodal image prompt.");
