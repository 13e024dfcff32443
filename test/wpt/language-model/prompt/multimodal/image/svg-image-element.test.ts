/** Port of WPT ai/language-model/prompt/multimodal/image/svg-image-element.tentative.https.window.js. See ../../../../README.md. */
import {
  assert_regexp_match, createLanguageModel, ensureLanguageModel, kImageOptions, kImagePrompt, kValidImagePath, kValidImageRegex,
  messageWithContent, model_quality, promise_test, setup_wpt,
} from '../../../../harness';

setup_wpt();

promise_test(async () => {
  await ensureLanguageModel(kImageOptions);
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('width', '100');
  svg.setAttribute('height', '100');
  const svgImage =
      document.createElementNS('http://www.w3.org/2000/svg', 'image');
  svgImage.setAttribute('href', kValidImagePath);
  svgImage.setAttribute('decoding', 'sync');
  svg.appendChild(svgImage);

  // Must wait for the SVG and image to load first.
  const promise = new Promise((resolve) => { // Promise.withResolvers (ES2024)
    svgImage.addEventListener('load', resolve);
  });
  await promise;
  const session = await createLanguageModel(kImageOptions);
  const result =
      await session.prompt(messageWithContent(kImagePrompt, 'image', svgImage));
  model_quality(() => assert_regexp_match(result, kValidImageRegex));
}, 'Prompt with SVGImageElement image content');
