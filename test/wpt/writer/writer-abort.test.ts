/** Port of WPT ai/writer/writer-abort.tentative.https.window.js. See ../README.md. */
import { createWriter, kTestPrompt, promise_test, setup_task_wpt, testAbortPromise, testAbortReadableStream } from '../task-harness';

setup_task_wpt();

promise_test(async t => {
  await testAbortPromise(t, signal => {
    return createWriter({signal: signal});
  });
}, 'Aborting Writer.create()');

promise_test(async t => {
  const writer = await createWriter();
  await testAbortPromise(t, signal => {
    return writer.write(kTestPrompt, { signal: signal });
  });
}, 'Aborting Writer.write()');

promise_test(async t => {
  const writer = await createWriter();
  await testAbortReadableStream(t, signal => {
    return writer.writeStreaming(kTestPrompt, { signal: signal });
  });
}, 'Aborting Writer.writeStreaming()');

promise_test(async () => {
  const writer = await createWriter();
  const controller = new AbortController();
  const streamingResponse = writer.writeStreaming(
    kTestPrompt, { signal: controller.signal });
  for await (const _chunk of streamingResponse);  // Do nothing
  controller.abort();
}, 'Aborting Writer.writeStreaming() after finished reading');
