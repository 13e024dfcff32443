/**
 * Port of WPT ai/summarizer/summarizer-create-user-activation.tentative.https.window.js, for the polyfill's
 * opt-in `requireUserActivation` (off by default). `test_driver.bless` is a real click. See ../README.md.
 */
import {
  Summarizer, assert_equals, assert_false, assert_implements_optional, assert_true, consumeTransientUserActivation,
  promise_rejects_dom, promise_test, setup_task_wpt, test_driver,
} from '../task-harness';

// create() must settle within Chromium's 5 s of transient activation: the engine warm, so that loading
// the model costs its weights only.
setup_task_wpt({ warmEngine: true, polyfill: { requireUserActivation: true } });

// Mocked model download state may be shared between test cases in the same file
// (see e.g. `EchoAIManagerImpl`), so this test case is kept in a separate file.
// TODO(crbug.com/390246212): Support model state controls for WPTs.
promise_test(async t => {
  // Create requires user activation when availability is 'downloadable'.
  assert_implements_optional(await Summarizer.availability() == 'downloadable');
  assert_false(navigator.userActivation.isActive);
  await promise_rejects_dom(t, 'NotAllowedError', Summarizer.create());
  await test_driver.bless('Summarizer.create', Summarizer.create);
  // User activation is not consumed by the create call.
  assert_true(navigator.userActivation.isActive);
  consumeTransientUserActivation();

  // Create does not require transient user activation.
  assert_equals(await Summarizer.availability(), 'available');
  assert_false(navigator.userActivation.isActive);
  await Summarizer.create();
}, 'Create requires sticky user activation when availability is "downloadable"');
