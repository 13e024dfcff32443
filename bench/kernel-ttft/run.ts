/** `npx tsx bench/kernel-ttft/run.ts` — see main.ts for what it measures. */
import { runBenchPage } from '../lib/harness.ts';

await runBenchPage('kernel-ttft', 'bench/kernel-ttft/index.html');
