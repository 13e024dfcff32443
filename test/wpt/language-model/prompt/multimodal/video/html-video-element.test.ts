/** Port of WPT ai/language-model/prompt/multimodal/video/html-video-element.tentative.https.window.js. See ../../../../README.md. */
import {
  assert_regexp_match, createLanguageModel, ensureLanguageModel, kImageOptions, kImagePrompt, kValidVideoPath, kValidVideoRegex,
  messageWithContent, model_quality, promise_test, setup_wpt,
} from '../../../../harness';

setup_wpt({ video: true });

promise_test(async () => {
  await ensureLanguageModel(kImageOptions);
  const video = document.createElement('video');
  video.src = kValidVideoPath;
  video.width = 1224;
  video.height = 768;
  // Make sure the video plays without requiring a gesture.
  video.muted = true;
  video.playsInline = true;
  video.autoplay = true;
  // Video must have frames fetched. See crbug.com/417249941#comment3
  await video.play();
  const session = await createLanguageModel(kImageOptions);
  const result =
      await session.prompt(messageWithContent(kImagePrompt, 'image', video));
  model_quality(() => assert_regexp_match(result, kValidVideoRegex));
}, 'Prompt with HTMLVideoElement image content');
