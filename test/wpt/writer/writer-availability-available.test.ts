/** Port of WPT ai/writer/writer-availability-available.tentative.https.window.js. See ../README.md. */
import { Writer, assert_equals, assert_in_array, kAvailableAvailabilities, promise_test, setup_task_wpt } from '../task-harness';

setup_task_wpt();

promise_test(async () => {
  const availability = await Writer.availability();
  assert_in_array(availability, kAvailableAvailabilities);
}, 'Writer.availability() is available with no options');

promise_test(async () => {
  const availability = await Writer.availability({
    tone: 'neutral',
    format: 'plain-text',
    length: 'medium',
    expectedInputLanguages: ['en-GB'],
    expectedContextLanguages: ['en'],
    outputLanguage: 'en',
  });
  assert_in_array(availability, kAvailableAvailabilities);
}, 'Writer.availability() returns available with supported options');

promise_test(async () => {
  const availability = await Writer.availability({
    tone: 'neutral',
    format: 'plain-text',
    length: 'medium',
    expectedInputLanguages: ['es'], // not supported
    expectedContextLanguages: ['en'],
    outputLanguage: 'es', // not supported
  });
  assert_equals(availability, 'unavailable');
}, 'Writer.availability() returns unavailable for unsupported languages');
