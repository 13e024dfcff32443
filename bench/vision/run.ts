/** `npx tsx bench/vision/run.ts` — see main.ts for what it measures. */
import { runBenchPage } from '../lib/harness.ts';

await runBenchPage('vision', 'bench/vision/index.html');
