/** Port of WPT ai/language-model/prompt/multimodal/audio/audio-dual-post-abort.tentative.https.window.js. See ../../../../README.md. */
import {
  assert_greater_than, createLanguageModel, ensureLanguageModel, kAudioOptions, kTestPrompt, kValidAudioPath, promise_rejects_dom,
  promise_test, setup_wpt,
} from '../../../../harness';

setup_wpt();

promise_test.precondition_failed(async t => {
  await ensureLanguageModel(kAudioOptions);
  const audioBuffer = await (await fetch(kValidAudioPath)).arrayBuffer();
  const session = await createLanguageModel(kAudioOptions);

  const message = [{
    role: 'user',
    content: [
      {type: 'audio', value: audioBuffer},
      {type: 'audio', value: audioBuffer},
      {type: 'text', value: 'compare these audio files'}
    ]
  }];

  const controller = new AbortController();
  const promise = session.prompt(message, { signal: controller.signal });
  controller.abort();
  await promise_rejects_dom(t, 'AbortError', promise);

  // Prompt again on the same session to ensure it is still usable.
  const result = await session.prompt(kTestPrompt);
  assert_greater_than(result.length, 0);
}, "Multimodal prompt with dual audio inputs after aborting a previous request.",
'the fixture model (like every model LLM OS runs) takes no audio: availability is unavailable');
