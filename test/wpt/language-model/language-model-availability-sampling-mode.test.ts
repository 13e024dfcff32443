/**
 * Port of WPT ai/language-model/language-model-availability-sampling-mode.tentative.https.window.js, run for
 * both shapes of the polyfill as in language-model-create-sampling-mode.test.ts. See ../README.md.
 */
import { describe } from 'vitest';
import { LanguageModel, assert_equals, assert_true, kValidAvailabilities, promise_rejects_js, promise_test, setup_wpt } from '../harness';

for (const legacySamplingParams of [false, true]) {
  describe(legacySamplingParams ? 'extension context (legacySamplingParams)' : 'web page', () => {
    setup_wpt({ polyfill: { legacySamplingParams } });
    const legacyParamsEnabled = () => ('params' in LanguageModel);

    promise_test(async () => {
      const modes = ['most-predictable', 'predictable', 'balanced', 'creative', 'most-creative'];

      for (const mode of modes) {
        const result = await LanguageModel.availability({ samplingMode: mode });
        assert_true(kValidAvailabilities.includes(result),
          `Availability returned valid result for ${mode} mode`
        );
      }
    }, 'LanguageModel.availability() accepts all valid sampling modes');

    promise_test(async () => {
      assert_equals(legacyParamsEnabled(), legacySamplingParams);
    }, `[port check, not a WPT test] 'params' in LanguageModel is ${legacySamplingParams}: the branch of the WPT file that applies`);

    if (legacySamplingParams) {
      promise_test(async t => {
        await promise_rejects_js(
          t,
          TypeError,
          LanguageModel.availability({ samplingMode: 'balanced', temperature: 0.8 })
        );
      }, 'LanguageModel.availability() rejects when both samplingMode and temperature are provided');

      promise_test(async t => {
        await promise_rejects_js(
          t,
          TypeError,
          LanguageModel.availability({ samplingMode: 'balanced', topK: 10 })
        );
      }, 'LanguageModel.availability() rejects when both samplingMode and topK are provided');

      promise_test(async t => {
        await promise_rejects_js(
          t,
          TypeError,
          LanguageModel.availability({ samplingMode: 'balanced', temperature: 0.8, topK: 10 })
        );
      }, 'LanguageModel.availability() rejects when samplingMode, temperature and topK are provided');
    } else {
      promise_test(async () => {
        const result = await LanguageModel.availability({ samplingMode: 'balanced', temperature: 0.8 });
        assert_true(kValidAvailabilities.includes(result));
      }, 'LanguageModel.availability() accepts a sampling mode and ignores unsupported legacy temperature sampling option');

      promise_test(async () => {
        const result = await LanguageModel.availability({ samplingMode: 'balanced', topK: 10 });
        assert_true(kValidAvailabilities.includes(result));
      }, 'LanguageModel.availability() accepts a sampling mode and ignores unsupported legacy topK sampling option');

      promise_test(async () => {
        const result = await LanguageModel.availability({ samplingMode: 'balanced', temperature: 0.8, topK: 10 });
        assert_true(kValidAvailabilities.includes(result));
      }, 'LanguageModel.availability() accepts a sampling mode and ignores unsupported legacy sampling options');
    }
  });
}
