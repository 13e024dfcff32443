/** Port of WPT ai/writer/writer-write-streaming-concurrent.tentative.https.window.js. See ../README.md. */
import { assert_greater_than, createWriter, kTestPrompt, kTestPrompt2, promise_test, readStream, setup_task_wpt } from '../task-harness';

setup_task_wpt();

promise_test(async () => {
  const writer = await createWriter();
  const [result1, result2] = await Promise.all([
    readStream(writer.writeStreaming(kTestPrompt)),
    readStream(writer.writeStreaming(kTestPrompt)),
  ]);
  assert_greater_than(result1.length, 0);
  assert_greater_than(result2.length, 0);
}, 'Multiple Writer.writeStreaming() calls with identical inputs are resolved successfully');

promise_test(async () => {
  const writer = await createWriter();
  const [result1, result2] = await Promise.all([
    readStream(writer.writeStreaming(kTestPrompt)),
    readStream(writer.writeStreaming(kTestPrompt2)),
  ]);
  assert_greater_than(result1.length, 0);
  assert_greater_than(result2.length, 0);
}, 'Multiple Writer.writeStreaming() calls with divergent inputs are resolved successfully');
