/** `npx tsx bench/kernel-fairness/run.ts` — see main.ts for what it measures. */
import { runBenchPage } from '../lib/harness.ts';

await runBenchPage('kernel-fairness', 'bench/kernel-fairness/index.html');
