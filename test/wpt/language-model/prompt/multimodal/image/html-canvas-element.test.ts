/** Port of WPT ai/language-model/prompt/multimodal/image/html-canvas-element.tentative.https.window.js. See ../../../../README.md. */
import {
  assert_regexp_match, createColorGridCanvas, createLanguageModel, ensureLanguageModel, kImageOptions, kImagePrompt,
  kValidCanvasImageRegex, messageWithContent, model_quality, promise_test, setup_wpt,
} from '../../../../harness';

setup_wpt();

promise_test(async () => {
  await ensureLanguageModel(kImageOptions);
  const canvas = createColorGridCanvas(1224, 768);
  const session = await createLanguageModel(kImageOptions);
  const result =
      await session.prompt(messageWithContent(kImagePrompt, 'image', canvas));
  model_quality(() => assert_regexp_match(result, kValidCanvasImageRegex));
}, 'Prompt with HTMLCanvasElement image content');
