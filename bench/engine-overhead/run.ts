/** `npx tsx bench/engine-overhead/run.ts` — see main.ts for what it measures. */
import { runBenchPage } from '../lib/harness.ts';

await runBenchPage('engine-overhead', 'bench/engine-overhead/index.html');
