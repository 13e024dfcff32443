/** Port of WPT ai/language-model/prompt/multimodal/image/without-image-expected-input.tentative.https.window.js. See ../../../../README.md. */
import {
  createLanguageModel, ensureLanguageModel, kImagePrompt, kValidImagePath, messageWithContent, promise_rejects_dom, promise_test,
  setup_wpt,
} from '../../../../harness';

setup_wpt();

promise_test(async (t) => {
  await ensureLanguageModel();
  const newImage = new Image();
  newImage.src = kValidImagePath;
  const session = await createLanguageModel();
  return promise_rejects_dom(
      t, 'NotSupportedError',
      session.prompt(messageWithContent(kImagePrompt, 'image', newImage)));
}, 'Prompt image without `image` expectedInput');
