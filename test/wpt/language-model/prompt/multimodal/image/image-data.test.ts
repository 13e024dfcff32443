/** Port of WPT ai/language-model/prompt/multimodal/image/image-data.tentative.https.window.js. See ../../../../README.md. */
import {
  assert_regexp_match, createColorGridCanvas, createLanguageModel, ensureLanguageModel, kImageOptions, kImagePrompt,
  kValidCanvasImageRegex, messageWithContent, model_quality, promise_test, setup_wpt,
} from '../../../../harness';

setup_wpt();

promise_test(async () => {
  await ensureLanguageModel(kImageOptions);
  const session = await createLanguageModel(kImageOptions);
  const canvas = createColorGridCanvas(256, 256);
  const context = canvas.getContext('2d')!;
  const imageData = context.getImageData(0, 0, 256, 256);
  const result = await session.prompt(
      messageWithContent(kImagePrompt, 'image', imageData));
  model_quality(() => assert_regexp_match(result, kValidCanvasImageRegex));
}, 'Prompt with ImageData image content');
