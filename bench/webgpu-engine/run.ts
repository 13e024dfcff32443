/** `npx tsx bench/webgpu-engine/run.ts` — see main.ts for what it measures. */
import { runBenchPage } from '../lib/harness.ts';

await runBenchPage('webgpu-engine', 'bench/webgpu-engine/index.html');
