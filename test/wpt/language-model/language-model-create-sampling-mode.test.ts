/**
 * Port of WPT ai/language-model/language-model-create-sampling-mode.tentative.https.window.js (the version
 * with seven modes, the `balanced` default and both branches on `'params' in LanguageModel`). The file is
 * run twice: for the polyfill's default web-page shape (no `params()`: the second branch) and for its
 * extension-context shape (`legacySamplingParams`: the first branch). See ../README.md.
 */
import { describe } from 'vitest';
import { LanguageModel, assert_equals, assert_true, createLanguageModel, promise_rejects_js, promise_test, setup_wpt } from '../harness';

for (const legacySamplingParams of [false, true]) {
  describe(legacySamplingParams ? 'extension context (legacySamplingParams)' : 'web page', () => {
    setup_wpt({ polyfill: { legacySamplingParams } });
    // Evaluated when the file is loaded in WPT; here once the polyfill of this block is installed.
    const legacyParamsEnabled = () => ('params' in LanguageModel);

    promise_test(async () => {
      const modes = [
        'most-predictable',
        'predictable',
        'slightly-predictable',
        'balanced',
        'slightly-creative',
        'creative',
        'most-creative',
      ];

      for (const mode of modes) {
        const session = await createLanguageModel({ samplingMode: mode });
        assert_true(session !== null, `Session created with ${mode} mode`);
        assert_equals(session.samplingMode, mode);
        const cloned = await session.clone();
        assert_equals(cloned.samplingMode, mode);
        cloned.destroy();
        session.destroy();
      }
    }, 'LanguageModel.create() accepts all valid sampling modes and preserves samplingMode on clone()');

    promise_test(async () => {
      const session = await createLanguageModel();
      assert_equals(session.samplingMode, 'balanced');
      session.destroy();
    }, 'LanguageModel.create() defaults samplingMode to balanced when omitted');

    promise_test(async () => {
      assert_equals(legacyParamsEnabled(), legacySamplingParams);
    }, `[port check, not a WPT test] 'params' in LanguageModel is ${legacySamplingParams}: the branch of the WPT file that applies`);

    if (legacySamplingParams) {
      promise_test(async () => {
        const session = await createLanguageModel({temperature: 0.8, topK: 10});
        assert_equals(session.samplingMode, null);
        session.destroy();
      }, 'LanguageModel.create() sets samplingMode to null when legacy parameters are provided');

      promise_test(async t => {
        await promise_rejects_js(
          t,
          TypeError,
          createLanguageModel({ samplingMode: 'balanced', temperature: 0.8 })
        );
      }, 'LanguageModel.create() rejects when both samplingMode and temperature are provided');

      promise_test(async t => {
        await promise_rejects_js(
          t,
          TypeError,
          createLanguageModel({ samplingMode: 'balanced', topK: 10 })
        );
      }, 'LanguageModel.create() rejects when both samplingMode and topK are provided');

      promise_test(async t => {
        await promise_rejects_js(
          t,
          TypeError,
          createLanguageModel({ samplingMode: 'balanced', temperature: 0.8, topK: 10 })
        );
      }, 'LanguageModel.create() rejects when samplingMode, temperature and topK are provided');
    } else {
      promise_test(async () => {
        const session = await createLanguageModel({ samplingMode: 'balanced', temperature: 0.8 });
        assert_true(session !== null);
        assert_equals(session.samplingMode, 'balanced');
        assert_equals(session.temperature, undefined);
        session.destroy();
      }, 'LanguageModel.create() accepts a sampling mode and ignores unsupported temperature sampling option');

      promise_test(async () => {
        const session = await createLanguageModel({ samplingMode: 'balanced', topK: 10 });
        assert_true(session !== null);
        assert_equals(session.samplingMode, 'balanced');
        assert_equals(session.topK, undefined);
        session.destroy();
      }, 'LanguageModel.create() accepts a sampling mode and ignores unsupported topK sampling option');

      promise_test(async () => {
        const session = await createLanguageModel({ samplingMode: 'balanced', temperature: 0.8, topK: 10 });
        assert_true(session !== null);
        assert_equals(session.samplingMode, 'balanced');
        assert_equals(session.temperature, undefined);
        assert_equals(session.topK, undefined);
        session.destroy();
      }, 'LanguageModel.create() accepts a sampling mode and ignores unsupported temperature and topK sampling options');
    }
  });
}
