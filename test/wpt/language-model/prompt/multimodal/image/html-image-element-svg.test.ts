/** Port of WPT ai/language-model/prompt/multimodal/image/html-image-element-svg.tentative.https.window.js. See ../../../../README.md. */
import {
  assert_regexp_match, createLanguageModel, ensureLanguageModel, kImageOptions, kImagePrompt, kValidSVGImagePath, kValidSVGImageRegex,
  messageWithContent, model_quality, promise_test, setup_wpt,
} from '../../../../harness';

setup_wpt();

promise_test(async () => {
  await ensureLanguageModel(kImageOptions);
  const newImage = new Image();
  newImage.src = kValidSVGImagePath;
  const session = await createLanguageModel(kImageOptions);
  const result =
      await session.prompt(messageWithContent(kImagePrompt, 'image', newImage));
  model_quality(() => assert_regexp_match(result, kValidSVGImageRegex));
}, 'Prompt with HTMLImageElement image content (with SVG)');
