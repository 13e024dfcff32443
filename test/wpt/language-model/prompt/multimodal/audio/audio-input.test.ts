/** Port of WPT ai/language-model/prompt/multimodal/audio/audio-input.tentative.https.window.js. See ../../../../README.md. */
import {
  LanguageModel, assert_equals, assert_greater_than, assert_regexp_match, createLanguageModel, ensureLanguageModel, kAudioOptions,
  kAudioPrompt, kImagePrompt, kValidAudioPath, kValidAudioRegex, kValidImagePath, messageWithContent, model_quality,
  promise_rejects_dom, promise_test, setup_wpt,
} from '../../../../harness';

setup_wpt();

const NO_AUDIO = 'the fixture model (like every model LLM OS runs) takes no audio: availability is unavailable';

promise_test(async (t) => {
  await ensureLanguageModel();
  const blob = await (await fetch(kValidAudioPath)).blob();
  const session = await createLanguageModel();
  return promise_rejects_dom(
      t, 'NotSupportedError',
      session.prompt(messageWithContent(kImagePrompt, 'audio', blob)));
}, 'Prompt audio without `audio` expectedInput');

promise_test.precondition_failed(async () => {
  const blob = await (await fetch(kValidAudioPath)).blob();
  const options = {
    expectedInputs: [{type: 'audio'}],
    initialPrompts: messageWithContent(kAudioPrompt, 'audio', blob)
  };
  await ensureLanguageModel(options);
  const session = await LanguageModel.create(options);
  const usage = await session.measureContextUsage(options.initialPrompts);
  assert_greater_than(usage, 0);
  assert_equals(session.contextUsage, usage);
  const result = await session.prompt([{role: 'user', content: ''}]);
  model_quality(() => assert_regexp_match(result, kValidAudioRegex));
}, 'Test Audio initialPrompt', NO_AUDIO);

promise_test.precondition_failed(async () => {
  await ensureLanguageModel(kAudioOptions);
  const blob = await (await fetch(kValidAudioPath)).blob();
  const session = await createLanguageModel(kAudioOptions);
  const result =
      await session.prompt(messageWithContent(kAudioPrompt, 'audio', blob));
  model_quality(() => assert_regexp_match(result, kValidAudioRegex));
}, 'Prompt with Blob audio content', NO_AUDIO);

promise_test.precondition_failed(async (t) => {
  await ensureLanguageModel(kAudioOptions);
  const blob = await (await fetch(kValidImagePath)).blob();
  const session = await createLanguageModel(kAudioOptions);
  // TODO(crbug.com/409615288): Expect a TypeError according to the spec.
  return promise_rejects_dom(
      t, 'DataError',
      session.prompt(messageWithContent(kImagePrompt, 'audio', blob)));
}, 'Prompt audio with blob containing invalid audio data.', NO_AUDIO);

promise_test.precondition_failed(async () => {
  await ensureLanguageModel(kAudioOptions);
  const audio_data = await fetch(kValidAudioPath);
  const audioCtx = new AudioContext();
  const buffer = await audioCtx.decodeAudioData(await audio_data.arrayBuffer());
  const session = await createLanguageModel(kAudioOptions);
  const result =
      await session.prompt(messageWithContent(kAudioPrompt, 'audio', buffer));
  model_quality(() => assert_regexp_match(result, kValidAudioRegex));
}, 'Prompt with AudioBuffer', NO_AUDIO);

promise_test.precondition_failed(async () => {
  await ensureLanguageModel(kAudioOptions);
  const audio_data = await fetch(kValidAudioPath);
  const session = await createLanguageModel(kAudioOptions);
  const result = await session.prompt(messageWithContent(
      kAudioPrompt, 'audio', await audio_data.arrayBuffer()));
  model_quality(() => assert_regexp_match(result, kValidAudioRegex));
}, 'Prompt with BufferSource - ArrayBuffer', NO_AUDIO);
