/**
 * Port of WPT ai/language-model/language-model-create-sticky-user-activation.tentative.https.window.js, for
 * the polyfill's opt-in `requireUserActivation` (off by default: README.md). See ../README.md.
 */
import {
  LanguageModel, assert_false, assert_implements_optional, assert_true, consumeTransientUserActivation, promise_rejects_dom,
  promise_test, setup_wpt, test_driver,
} from '../harness';

setup_wpt({ polyfill: { requireUserActivation: true } });

promise_test(async t => {
  assert_implements_optional(
      await LanguageModel.availability() == 'downloadable');
  assert_false(navigator.userActivation.isActive);
  return promise_rejects_dom(t, 'NotAllowedError', LanguageModel.create());
}, 'Create fails without user activation when availability is "downloadable"');

promise_test(async () => {
  assert_implements_optional(
      await LanguageModel.availability() == 'downloadable',
      'This test only runs if model is downloadable');

  await test_driver.bless('Enable LanguageModel create()');

  // Consume transient activation.
  consumeTransientUserActivation();
  assert_true(navigator.userActivation.hasBeenActive);
  assert_false(navigator.userActivation.isActive);

  return LanguageModel.create();
}, 'Create succeeds with sticky activation when availability is "downloadable"');
