/** Port of WPT ai/writer/writer-write-concurrent.tentative.https.window.js. See ../README.md. */
import { createWriter, kTestPrompt, kTestPrompt2, promise_test, setup_task_wpt } from '../task-harness';

setup_task_wpt();

promise_test(async () => {
  const writer = await createWriter();
  await Promise.all([writer.write(kTestPrompt), writer.write(kTestPrompt)]);
}, 'Multiple Writer.write() calls with identical inputs are resolved successfully');

promise_test(async () => {
  const writer = await createWriter();
  await Promise.all([writer.write(kTestPrompt), writer.write(kTestPrompt2)]);
}, 'Multiple Writer.write() calls with divergent inputs are resolved successfully');
