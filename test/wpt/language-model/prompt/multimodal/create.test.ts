/** Port of WPT ai/language-model/prompt/multimodal/create.tentative.https.window.js. See ../../../README.md. */
import {
  assert_true, createLanguageModel, ensureLanguageModel, kValidAudioPath, kValidImagePath, promise_rejects_dom, promise_test,
  setup_wpt,
} from '../../../harness';

setup_wpt();

const NO_AUDIO = 'the fixture model (like every model LLM OS runs) takes no audio: availability is unavailable';

promise_test.precondition_failed(async () => {
  await ensureLanguageModel({expectedInputs: [{type: 'audio'}, {type: 'image'}]});
  const kSupportedCreateOptions = [
    { expectedInputs: [{type: 'audio'}] },
    { expectedInputs: [{type: 'image'}] },
    { expectedInputs: [{type: 'audio'}, {type: 'image'}, {type: 'text'}] },
    { expectedInputs: [{type: 'audio', languages: ['en']}] },
    { expectedInputs: [{type: 'image', languages: ['en']}] },
    { expectedInputs: [{type: 'audio', languages: ['en']},
                       {type: 'image', languages: ['en']},
                       {type: 'text', languages: ['en']}] },
  ];
  for (const options of kSupportedCreateOptions) {
    assert_true(!!await createLanguageModel(options), JSON.stringify(options));
  }
}, 'LanguageModel.create() succeeds with supported multimodal type and language options', NO_AUDIO);

promise_test.precondition_failed(async () => {
  await ensureLanguageModel({expectedInputs: [{type: 'audio'}, {type: 'image'}]});
  const audioContent = { type:'audio', value: await (await fetch(kValidAudioPath)).blob() };
  const imageContent = { type:'image', value: await (await fetch(kValidImagePath)).blob() };
  const kSupportedCreateOptions = [
    { expectedInputs: [{type: 'audio'}], initialPrompts: [{role: 'user', content: [audioContent]}] },
    { expectedInputs: [{type: 'image'}], initialPrompts: [{role: 'user', content: [imageContent]}] },
    { expectedInputs: [{type: 'audio'}, {type: 'image'}],
      initialPrompts: [{role: 'user', content: [audioContent, imageContent]}] },
  ];
  for (const options of kSupportedCreateOptions) {
    // TODO(crbug.com/419599702): Ensure the model actually gets initialPrompts.
    assert_true(!!await createLanguageModel(options), JSON.stringify(options));
  }
}, 'LanguageModel.create() succeeds with supported multimodal initialPrompts', NO_AUDIO);

promise_test.precondition_failed(async t => {
  await ensureLanguageModel({expectedInputs: [{type: 'audio'}, {type: 'image'}]});
  const audioContent = { type:'audio', value: await (await fetch(kValidAudioPath)).blob() };
  const imageContent = { type:'image', value: await (await fetch(kValidImagePath)).blob() };
  const kUnsupportedCreateOptions = [
    { expectedInputs: [{type: 'audio'}], initialPrompts: [{role: 'user', content: [imageContent]}] },
    { expectedInputs: [{type: 'image'}], initialPrompts: [{role: 'user', content: [audioContent]}] },
  ];
  for (const options of kUnsupportedCreateOptions) {
    await promise_rejects_dom(t, 'NotSupportedError', createLanguageModel(options), JSON.stringify(options));
  }
}, 'LanguageModel.create() fails with unsupported multimodal initialPrompts', NO_AUDIO);
