/** Port of WPT ai/writer/writer-availability.tentative.https.window.js. See ../README.md. */
import {
  Writer, assert_equals, assert_in_array, assert_true, generateOptionCombinations, kValidAvailabilities, promise_test, setup_task_wpt,
} from '../task-harness';

setup_task_wpt();

promise_test(async () => {
  assert_true(!!Writer);
  assert_equals(typeof Writer.availability, 'function');
}, 'Writer.availability() is defined');

promise_test(async () => {
  const availability = await Writer.availability();
  assert_in_array(availability, kValidAvailabilities);
}, 'Writer.availability() returns a valid value with no options');

promise_test(async () => {
  // An array of plausible test option values.
  const kCreateOptionsSpec = [
    {tone: [undefined, 'formal', 'neutral', 'casual']},
    {format: [undefined, 'plain-text', 'markdown']},
    {length: [undefined, 'short', 'medium', 'long']},
    {expectedInputLanguages: [[], ['en'], ['es'], ['jp', 'fr']]},
    {expectedContextLanguages: [[], ['en'], ['es'], ['jp', 'fr']]},
    {outputLanguage: [undefined, 'en', 'es', 'jp', 'fr']}
  ];
  for (const options of generateOptionCombinations(kCreateOptionsSpec)) {
    const availability = await Writer.availability(options);
    assert_in_array(availability, kValidAvailabilities, JSON.stringify(options));
  }
}, 'Writer.availability() returns a valid value with plausible options');
