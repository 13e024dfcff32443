/** `npx tsx bench/containment/run.ts` — see main.ts for what it measures. */
import { runBenchPage } from '../lib/harness.ts';

await runBenchPage('containment', 'bench/containment/index.html', 900_000);
