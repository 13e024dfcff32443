/** Port of WPT ai/language-model/prompt/multimodal/video/initial-prompt.tentative.https.window.js. See ../../../../README.md. */
import {
  assert_equals, assert_greater_than, assert_regexp_match, createLanguageModel, ensureLanguageModel, kImagePrompt, kValidImagePath,
  kValidImageRegex, messageWithContent, model_quality, promise_test, setup_wpt,
} from '../../../../harness';

setup_wpt();

promise_test(async () => {
  const blob = await (await fetch(kValidImagePath)).blob();
  const bitmap = await createImageBitmap(blob);
  const frame = new VideoFrame(bitmap, {timestamp: 1});
  const options = {
    expectedInputs: [{type: 'image'}],
    initialPrompts: messageWithContent(kImagePrompt, 'image', frame)
  };
  await ensureLanguageModel(options);
  const session = await createLanguageModel(options);
  const usage = await session.measureContextUsage(options.initialPrompts);
  assert_greater_than(usage, 0);
  assert_equals(session.contextUsage, usage);
  const result = await session.prompt('proceed');
  frame.close();
  model_quality(() => assert_regexp_match(result, kValidImageRegex));
}, 'Test Video initialPrompt');
