/** Port of WPT ai/language-model/prompt/multimodal/video/video-frame.tentative.https.window.js. See ../../../../README.md. */
import {
  assert_regexp_match, createLanguageModel, ensureLanguageModel, kImageOptions, kImagePrompt, kValidImagePath, kValidImageRegex,
  messageWithContent, model_quality, promise_test, setup_wpt,
} from '../../../../harness';

setup_wpt();

promise_test(async () => {
  await ensureLanguageModel(kImageOptions);
  const blob = await (await fetch(kValidImagePath)).blob();
  const bitmap = await createImageBitmap(blob);
  const frame = new VideoFrame(bitmap, {timestamp: 1});
  const session = await createLanguageModel(kImageOptions);
  const result =
      await session.prompt(messageWithContent(kImagePrompt, 'image', frame));
  frame.close();  // Avoid JS garbage collection warning.
  model_quality(() => assert_regexp_match(result, kValidImageRegex));
}, 'Prompt with VideoFrame image content');
