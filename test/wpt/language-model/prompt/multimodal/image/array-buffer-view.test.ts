/** Port of WPT ai/language-model/prompt/multimodal/image/array-buffer-view.tentative.https.window.js. See ../../../../README.md. */
import {
  assert_regexp_match, createLanguageModel, ensureLanguageModel, kImageOptions, kImagePrompt, kValidImagePath, kValidImageRegex,
  messageWithContent, model_quality, promise_test, setup_wpt,
} from '../../../../harness';

setup_wpt();

promise_test(async () => {
  await ensureLanguageModel(kImageOptions);
  const imageData = await fetch(kValidImagePath);
  const session = await createLanguageModel(kImageOptions);
  const result = await session.prompt(messageWithContent(
      kImagePrompt, 'image', new DataView(await imageData.arrayBuffer())));
  model_quality(() => assert_regexp_match(result, kValidImageRegex));
}, 'Prompt with ArrayBufferView image content');
