/** Port of WPT ai/rewriter/rewriter-abort.tentative.https.window.js. See ../README.md. */
import { createRewriter, kTestPrompt, promise_test, setup_task_wpt, testAbortPromise, testAbortReadableStream } from '../task-harness';

setup_task_wpt();

promise_test(async t => {
  await testAbortPromise(t, signal => {
    return createRewriter({signal: signal});
  });
}, 'Aborting Rewriter.create()');

promise_test(async t => {
  const rewriter = await createRewriter();
  await testAbortPromise(t, signal => {
    return rewriter.rewrite(kTestPrompt, { signal: signal });
  });
}, 'Aborting Rewriter.rewrite()');

promise_test(async t => {
  const rewriter = await createRewriter();
  await testAbortReadableStream(t, signal => {
    return rewriter.rewriteStreaming(kTestPrompt, { signal: signal });
  });
}, 'Aborting Rewriter.rewriteStreaming()');

promise_test(async () => {
  const rewriter = await createRewriter();
  const controller = new AbortController();
  const streamingResponse = rewriter.rewriteStreaming(
    kTestPrompt, { signal: controller.signal });
  for await (const _chunk of streamingResponse);  // Do nothing
  controller.abort();
}, 'Aborting Rewriter.rewriteStreaming() after finished reading');
