/** Port of WPT ai/language-model/prompt/multimodal/audio/audio-post-abort.tentative.https.window.js. See ../../../../README.md. */
import {
  assert_greater_than, createLanguageModel, ensureLanguageModel, kAudioOptions, kAudioPrompt, kTestPrompt, kValidAudioPath,
  messageWithContent, promise_rejects_dom, promise_test, setup_wpt,
} from '../../../../harness';

setup_wpt();

promise_test.precondition_failed(async t => {
  await ensureLanguageModel(kAudioOptions);
  const blob = await (await fetch(kValidAudioPath)).blob();
  const session = await createLanguageModel(kAudioOptions);

  const controller = new AbortController();
  const promise = session.prompt(
      messageWithContent(kAudioPrompt, 'audio', blob),
      { signal: controller.signal }
  );
  controller.abort();
  await promise_rejects_dom(t, 'AbortError', promise);

  // Prompt again on the same session to ensure it is still usable.
  const result = await session.prompt(kTestPrompt);
  assert_greater_than(result.length, 0);
}, "Multimodal audio prompt after aborting a previous multimodal audio prompt.",
'the fixture model (like every model LLM OS runs) takes no audio: availability is unavailable');
