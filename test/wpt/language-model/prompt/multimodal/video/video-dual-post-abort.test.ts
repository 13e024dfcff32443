/** Port of WPT ai/language-model/prompt/multimodal/video/video-dual-post-abort.tentative.https.window.js. See ../../../../README.md. */
import {
  assert_greater_than, createLanguageModel, ensureLanguageModel, kImageOptions, kTestPrompt, kValidImagePath, promise_rejects_dom,
  promise_test, setup_wpt,
} from '../../../../harness';

setup_wpt();

promise_test(async t => {
  await ensureLanguageModel(kImageOptions);
  const blob = await (await fetch(kValidImagePath)).blob();
  const bitmap1 = await createImageBitmap(blob);
  const bitmap2 = await createImageBitmap(blob);
  const frame1 = new VideoFrame(bitmap1, {timestamp: 1});
  const frame2 = new VideoFrame(bitmap2, {timestamp: 2});
  const session = await createLanguageModel(kImageOptions);

  const message = [{
    role: 'user',
    content: [
      {type: 'image', value: frame1},
      {type: 'image', value: frame2},
      {type: 'text', value: 'compare these videos'}
    ]
  }];

  const controller = new AbortController();
  const promise = session.prompt(message, { signal: controller.signal });
  controller.abort();
  await promise_rejects_dom(t, 'AbortError', promise);
  frame1.close();
  frame2.close();

  // Prompt again on the same session to ensure it is still usable.
  const result = await session.prompt(kTestPrompt);
  assert_greater_than(result.length, 0);
}, "Multimodal prompt with dual video inputs after aborting a previous request.");
