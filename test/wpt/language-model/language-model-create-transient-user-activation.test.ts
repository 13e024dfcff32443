/**
 * Port of WPT ai/language-model/language-model-create-transient-user-activation.tentative.https.window.js, for
 * the polyfill's opt-in `requireUserActivation` (off by default). Its second test asks for *transient*
 * activation, which the newer files (sticky-user-activation, create-user-activation) replaced by sticky
 * activation; the polyfill follows the newer rule. See ../README.md.
 */
import {
  LanguageModel, assert_false, assert_implements_optional, assert_true, promise_rejects_dom, promise_test, setup_wpt, test_driver,
} from '../harness';

setup_wpt({ polyfill: { requireUserActivation: true } });

promise_test(async t => {
  assert_implements_optional(
      await LanguageModel.availability() == 'downloadable');
  assert_false(navigator.userActivation.isActive);
  return promise_rejects_dom(
      t, 'NotAllowedError', LanguageModel.create(),
      'LanguageModel.create() should fail without any user activation.');
}, 'Create fails without user activation');

promise_test.fails(async t => {
  assert_implements_optional(
      await LanguageModel.availability() == 'downloadable');

  await test_driver.bless('Enable LanguageModel create()');

  // Consume transient activation.
  const win = window.open('about:blank', '_blank')!;
  win.close();
  assert_true(navigator.userActivation.hasBeenActive);
  assert_false(navigator.userActivation.isActive);

  return promise_rejects_dom(t, 'NotAllowedError', LanguageModel.create());
}, 'Create fails with sticky activation when availability is "downloadable"',
'superseded: sticky activation is enough, as the newer WPT files have it (create() resolves)', /Should have rejected/);
