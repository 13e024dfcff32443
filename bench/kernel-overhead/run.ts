/** `npx tsx bench/kernel-overhead/run.ts` — see main.ts for what it measures. */
import { runBenchPage } from '../lib/harness.ts';

await runBenchPage('kernel-overhead', 'bench/kernel-overhead/index.html');
