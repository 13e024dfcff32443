/** Port of WPT ai/language-model/prompt/multimodal/video/without-video-expected-input.tentative.https.window.js. See ../../../../README.md. */
import {
  createLanguageModel, ensureLanguageModel, kImagePrompt, kValidImagePath, messageWithContent, promise_rejects_dom, promise_test,
  setup_wpt,
} from '../../../../harness';

setup_wpt();

promise_test(async (t) => {
  await ensureLanguageModel();
  const blob = await (await fetch(kValidImagePath)).blob();
  const bitmap = await createImageBitmap(blob);
  const frame = new VideoFrame(bitmap, {timestamp: 1});
  const session = await createLanguageModel();
  const promise = session.prompt(messageWithContent(kImagePrompt, 'image', frame));
  await promise_rejects_dom(t, 'NotSupportedError', promise);
  frame.close();
}, 'Prompt video without `image` expectedInput');
