/**
 * Regenerate the benchmark tables of docs/benchmarks.md from bench/results/<name>.json: every region
 * `<!-- bench:<name> -->` … `<!-- /bench:<name> -->` is replaced by the rows and the summary of that
 * JSON, so the figures in the docs are the ones a run wrote (no hand-copied numbers). Most regions
 * render as rows + summary; `RENDERERS` lists those that need more (roofline: two tables). A section of
 * `SECTIONS` whose region is missing is added first, with its heading and prose.
 *
 *   node scripts/bench-docs.mjs            # every marked region
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const DOC = 'docs/benchmarks.md';
const cell = (v) => (typeof v === 'number' ? (Number.isInteger(v) ? String(v) : String(+v.toFixed(3))) : String(v ?? ''));

/** A Markdown table of `rows` (objects with the same keys), then a blank line; nothing for no rows. */
function rowsTable(rows) {
  const cols = rows?.length ? Object.keys(rows[0]) : [];
  if (!cols.length) return [];
  return [`| ${cols.join(' | ')} |`, `| ${cols.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${cols.map((c) => cell(r[c])).join(' | ')} |`), ''];
}

function summaryTable(json) {
  const out = ['| summary | value |', '| --- | --- |'];
  for (const [k, v] of Object.entries(json.summary ?? {})) out.push(`| ${k} | ${cell(v)} |`);
  out.push('', `Run ${json.date ?? '?'} · Chromium ${json.chromium ?? '?'} · ${json.cores ?? '?'} cores · \`bench/results/${json.name}.json\``);
  return out;
}

function table(json) {
  return [...rowsTable(json.rows), ...summaryTable(json)].join('\n');
}

/** Roofline (bench/roofline): decode against the roofline per model, then the bandwidth passes behind it. */
function rooflineTable(json) {
  return [
    `**Decode vs roofline** (${json.summary?.threads ?? '?'} threads; roofline = read bandwidth measured beside the model's runs, p50, ÷ bytes read a token)`, '',
    ...rowsTable(json.rows),
    '**Memory read bandwidth** (wasm SIMD, threads reading at the same time; arms A and B identical, interleaved)', '',
    ...rowsTable(json.bandwidth),
    ...summaryTable(json),
  ].join('\n');
}

/** Kernel resume, chat reuse and batching (bench/kernel-resume): the figures with their goals, then each part's detail. */
function kernelResumeTable(json) {
  return [
    '**Figures** (p50 / p95 over the repetitions, range, A/A control, goal, before this change)', '',
    ...rowsTable(json.rows),
    '**1. One preemption** (background job preempted after N tokens by a one-token realtime job, resumed by one prefill)', '',
    ...rowsTable(json.preemption),
    '**2. Chat TTFT, turn 10 ÷ turn 1** (100-character user turns, 50-token replies appended to the history)', '',
    ...rowsTable(json.chat),
    '**3. Four jobs on one model** (tokens/s of 4 concurrent 64-token jobs ÷ one job\'s; batched vs serial kernels side by side)', '',
    ...rowsTable(json.batching),
    ...summaryTable(json),
  ].join('\n');
}

/** Cross-tab kernel (bench/cross-tab): the figures, then memory, failover and per-token detail. */
function crossTabTable(json) {
  return [
    '**Figures** (p50 / p95 over the repetitions, range, A/A control, goal)', '',
    ...rowsTable(json.rows),
    '**1. Resident model memory** (bench-40m-chars; "held": the sum over tabs of what each tab\'s own kernel holds; PSS: every browser process, less the browser before the tabs opened)', '',
    ...rowsTable(json.memory),
    '**2. Failover** (the host tab closed with the model resident; a follower submits a one-token job right after the close)', '',
    ...rowsTable(json.failover),
    '**3. Per-token overhead** (the same greedy job submitted in the host tab, A1 and A2, and in a follower tab, B; rounds interleaved)', '',
    ...rowsTable(json.tokens),
    '**4. A host in a background tab** (the host tab\'s timers aligned as a hidden tab\'s are, emulated; a follower submits; arms interleaved)', '',
    ...rowsTable(json.throttle ?? []),
    ...summaryTable(json),
  ].join('\n');
}

/** Remote engines (bench/remote): per-token overhead, then the routing decision. */
function remoteTable(json) {
  return [
    '**1. Per-token overhead** (decode tokens/s through the kernel ÷ the same server called directly with `fetch`, per round)', '',
    ...rowsTable(json.rows),
    '**2. Time to a routing decision** (`routeJob`, policy *this device, else server*)', '',
    ...rowsTable(json.routing ?? []),
    ...summaryTable(json),
  ].join('\n');
}

/** Our WebGPU engine (bench/webgpu-engine): batching through the kernel, then each engine's runs. */
function webgpuEngineTable(json) {
  return [
    '**Four jobs on one model** (tokens/s of 4 concurrent greedy jobs ÷ one job\'s, through the kernel; batched vs serial kernels side by side, arms alternating)', '',
    ...rowsTable(json.batching ?? []),
    '**Each engine alone** (prefill and decode tokens/s per run)', '',
    ...rowsTable(json.rows),
    ...summaryTable(json),
  ].join('\n');
}

/** Benchmarks whose JSON needs more than rows + summary. */
const RENDERERS = {
  roofline: rooflineTable, 'kernel-resume': kernelResumeTable, 'cross-tab': crossTabTable, remote: remoteTable, 'webgpu-engine': webgpuEngineTable,
};

/** Sections added to docs/benchmarks.md when their region is missing: [name, heading + prose, insert before]. */
const SECTIONS = [
  ['roofline', `## Roofline (\`bench/roofline/\`)

\`npx tsx bench/roofline/run.ts\` — decode tokens/s of wllama (wasm, 2 threads, in our engine worker, 64 greedy
tokens a run, \`ignoreEos\`) against the memory-bandwidth roofline, for the overhead-bound \`bench-40m.gguf\`
(42 MB f32) and a bandwidth-bound ≈ 1.1 GB f32 llama (6 layers, hidden 2048, FFN 5632) that the bench builds
in the OS temp folder. Bandwidth: a hand-assembled wasm module (\`v128.load\` + \`i32x4.add\`, unrolled 8×)
reads 1 GiB per worker, 2 GiB a pass, with 1 and 2 workers released together by a SharedArrayBuffer barrier;
the figure is bytes ÷ the wall time of the concurrent read. A block of passes runs first (arms A/B, 1 and 2
threads), then one 2-thread pass after every decode run (arm "with <model>"): the machine's bandwidth
drifts, so each model's roofline uses the passes taken beside its own runs ("paired": each run against the
pass right after it). Bytes a token: every weight matrix once, one embedding row, the f16 KV cache at the
mean context. Timings are p50 / p95 of the time over repeated runs (p95 = slow tail; rates are the inverted
times), with min–max and IQR; arms A/B (bandwidth passes, decode runs) are identical settings interleaved —
their ratio is the noise floor. \`fitEffectiveGBps\` / \`fitFixedMsPerToken\` solve ms/token = fixed +
bytes ÷ bandwidth from the two models (same 6-layer graph). Supersedes the roofline figure of the
engine-overhead section, which divides by a scalar JavaScript loop's read speed.`, '\n## Kernel'],
  ['kernel-ttft', `### Interactive TTFT under load (\`bench/kernel-ttft/\`)

\`npx tsx bench/kernel-ttft/run.ts\` (≈ 1–2 min) — a chat turn (system + user message, 8 tokens, a fresh prompt
every turn) submitted at \`interactive\` while four \`background\` processes keep 128-token generations running,
on the kernel's defaults: bench-40m's 4 llama.cpp sequences decode together (\`jobsPerSlot\` null); background
work takes at most three of them and yields while interactive work runs, so each chat turn starts at once in
the free sequence and the three running background jobs are preempted until it ends (they resume by one
prefill from their cache). Before the yield the ratio was 2.96 (p50) / 2.25 (p95): the chat's prefill and
decode shared every batch step with three background sequences. Idle and loaded phases alternate
(4 cycles × 6 + 6 trials); idle trials alternate between two identical arms A and B (the A/A row: B ÷ A, the
noise floor). Ratios are p50 ÷ p50 and p95 ÷ p95 of the idle TTFT; "of which queued" is the chat's wait for a
sequence. What remains (≈ 40 ms): the chat's first step still shares a batch with the background jobs'
last decode step, since an abort lands between steps. Baseline: \`discipline: 'fifo'\` (no preemption: the chat waits for a
background job to end). One llama.cpp thread (\`BENCH_THREADS=2\` for two): on this shared 2-core machine two
threads collapse whenever another process runs (measured 15–300 tok/s from run to run). Goals: p50 ≤ 1.3,
p95 ≤ 2.0: the p95 goal is met, the p50 goal is not.`, '\n## App shell'],
  ['kernel-resume', `### Resume, chat reuse and batching (\`bench/kernel-resume/\`)

\`npx tsx bench/kernel-resume/run.ts\` (≈ 3.7 min here with a load average of 5 on 2 cores) — one page, one slot per kernel, one
llama.cpp thread (see above; \`BENCH_THREADS\` to change). Each figure is a ratio per repetition, shown as p50 /
p95 with its range and an A/A control (the same arm measured twice, interleaved).

1. **One preemption at N = 32 / 128 / 256**: a background job (greedy, 30-token prompt, N + 64 tokens,
   \`jobsPerSlot: 1\` so the slot is full) is preempted after N delivered tokens by a realtime job of one
   token. Extra time = its total − the same job uninterrupted (A1) − the realtime job's own run
   (job-started → job-finished), ÷ one prefill of prompt + N measured directly (TTFT of a one-token job with
   that prompt, a cache miss, on the idle kernel). A2 repeats A1 (A/A). The *local* row measures the same
   extra where it happens — the stall in the preempted job's token stream, less the realtime run and one
   ordinary token gap — free of two whole runs' noise; its control is A1's gap after token N (≈ 0).
   \`bench-40m-chars.gguf\` (bench-40m's layers over a one-character vocabulary) makes the resume exact:
   its output tokenises back to the ids it was generated as (\`inexactResumes\` 0), as a real model's does.
2. **Chat TTFT, turn 10 ÷ turn 1**: 100-character user turns, 50-token greedy replies appended to the history
   (one-character fixture, so each reply tokenises back and the whole history can come from llama.cpp's
   cache; nCtx 2048 per sequence, turn 10 ≈ 1,700 tokens; part 1's kernel, one job at a time); one
   conversation (5 repetitions), and two processes alternating turn by turn, each its own conversation (3
   repetitions, 6 conversations). A/A: a fresh conversation's first turn, right after turn 10, ÷ turn 1.
   Turn 10 costs more than turn 1 even with its whole history cached (compare the evaluated tokens): its
   new tokens attend over ≈ 1,700 cached ones, and on this narrow model (384 wide, 6 layers) that attention
   is ≈ 0.8× the matrices' work per token, so ≈ 2× is the floor here (≈ 10 % more on a 1B model).
3. **Four concurrent jobs on one model** (bench-40m, greedy, 64 tokens, \`ignoreEos\`, four processes): total
   tokens/s ÷ one job's, on the default kernel (4 sequences batched) and on a \`jobsPerSlot: 1\` kernel (serial),
   side by side, arms alternating; A/A: the one-job arm twice. First-token spread = latest − earliest TTFT of
   the four.`, '\n## App shell'],
  ['cross-tab', `### One kernel for every tab (\`bench/cross-tab/\`)

\`npx tsx bench/cross-tab/run.ts\` (≈ 3 min here) — several tabs of one browser context (they share Web Locks and
BroadcastChannels, as the tabs of one profile do), each a bench page with its own \`TabKernel\` (or, for the
baseline, a private \`Kernel\`: the behaviour before the cross-tab kernel), one wllama worker slot, one llama.cpp
thread, the one-character fixtures, greedy.

1. **Resident model memory, 5 tabs ÷ 1 tab**: each tab registers bench-40m-chars and runs a one-token job;
   "held" is the sum over tabs of what each tab's own kernel holds (\`usage()\` where the tab hosts; a
   follower holds nothing), cross-tab against five private kernels. Accounted memory is exact, so its
   ratios do not vary; the PSS of every browser process (Linux \`/proc\`) is the measured check, pages and
   workers included (each more tab costs ≈ 60 MB here as a follower, ≈ 345 MB with a private kernel: its page, worker and model).
   The 1-tab cross-tab arm runs twice (A/A); arms rotate each repetition.
2. **Failover**: the host tab is closed (\`page.close()\`: none of its code runs) ten times in a row, the
   model resident there each time; a follower submits a one-token job right after the close. Times from the
   close (wall clock, the driver's and the pages' \`performance.timeOrigin + now()\`) to the next tab hosting,
   to the follower's job admitted by the new host (it accepts jobs), and to that job's first token (the
   model reloaded on the new host; its \`model-loaded\` time separately).
3. **Per-token overhead**: decode tokens/s of the same greedy job submitted in a follower tab ÷ in the host
   tab itself (÷ the mean of the round's two host runs), order rotating each round; A/A: host ÷ host. Every
   token of a follower's job crosses a BroadcastChannel (host renderer → browser → follower renderer): on
   this shared 2-core machine that work competes with the decoding thread, so the fastest fixture
   (tiny-chars, ≈ 1,300–1,600 tokens/s) is the worst case; bench-40m-chars (≈ 300 tokens/s) is closer to a real
   model. With one message a token (the first version) the engine's own decode rate
   (\`usage.decodeTokensPerSec\`) dropped as much as the rate the follower saw — follower ÷ host p50 0.81–0.89
   on tiny-chars, 0.93–0.97 on bench-40m-chars over three runs: the relaying work slowed the decoding
   itself. The host now sends a job's tokens in batches when they come fast (a token within 16 ms of the
   job's last message waits for the next; 8 ms gave 0.94 / 0.99 p50): the table is that version.
4. **A host in a background tab**: headless Chromium here never hides a page or throttles its timers
   (measured: every page reports \`visible\`, and chained 10 ms timers run at full rate in a page opened behind
   another, headless or headful under Xvfb, with or without Playwright's anti-throttling switches), so the
   host tab's timers are made to fire only at whole seconds (a hidden tab's alignment in Chrome) or whole
   minutes (its intensive throttling, harsher than real: it applies to chained timers only); its engine
   worker is untouched, as browsers leave workers alone. A follower submits the same greedy 256-token job
   against each host in turn (four contexts, rotating), two unthrottled ones giving the A/A control.
   Goals: 5-tab ÷ 1-tab held memory ≤ 1.1, failover p95 ≤ 2 s, follower ÷ host ≥ 0.95.`, '\n## App shell'],
  ['remote', `## Remote servers (\`bench/remote/\`)

\`npx tsx bench/remote/run.ts\` (≈ 1.5 min) — real OpenAI-compatible servers on 127.0.0.1 (llama.cpp through
node-llama-cpp, \`test/remote-server/\`, one thread, the one-character fixtures), started by the bench.
1. **Per-token overhead**: a greedy 320-token chat completion (\`ignore_eos\`, byte tokens banned), the same
   request through \`kernel.submit()\` (engine worker → \`fetch\` → SSE parsed in the worker → kernel → the
   job's token stream) and straight from the page with \`fetch\` and the same SSE parser, back to back,
   the order alternating each round (24 rounds). Ratios are per round: kernel ÷ direct decode tokens/s;
   A/A: a second direct run ÷ the first. The server shares this 2-core machine with the browser, so the
   worker's and page's work competes with the decoding thread: tiny-chars (≈ 1,300–2,100 tokens/s) is the
   worst case, bench-40m-chars (≈ 400 tokens/s) nearer a real server's pace; across a network the kernel's
   share is smaller still. "TTFT added": the kernel path's first token minus the direct one's. Three runs
   here (2026-12-04): kernel ÷ direct p50 0.945 / 0.976 / 0.949 on bench-40m-chars (A/A 1.011 / 1.046 /
   0.999) and 0.954 / 1.014 / 0.970 on tiny-chars (A/A 1.074 / 1.082 / 1.106): at the goal, within the
   noise of this shared machine. Tokens already leave the worker in adaptive batches (\`engine-host.ts\`);
   what remains is the worker's and the kernel's work on the one core the server's thread leaves free.
2. **Time to a routing decision**: \`routeJob()\` for an app whose policy is *this device, else server*, a
   local model of 64 GB (never fits) that a server maps, the grant given: 400 calls, p50 / p95 / max; a
   model that fits (stays local) as the control.
   Goals: kernel ÷ direct ≥ 0.95; decision ≤ 50 ms.`, '\n## Language detection'],
];


let doc = readFileSync(DOC, 'utf8');
for (const [name, text, before] of SECTIONS) {
  if (doc.includes(`<!-- bench:${name} -->`)) continue;
  const section = `${text}\n\n<!-- bench:${name} -->\n<!-- /bench:${name} -->\n`;
  const at = doc.indexOf(before);
  doc = at < 0 ? `${doc.trimEnd()}\n\n${section}` : `${doc.slice(0, at)}\n${section}${doc.slice(at)}`;
}
doc = doc.replace(/<!-- bench:([\w-]+) -->[\s\S]*?<!-- \/bench:\1 -->/g, (whole, name) => {
  const path = `bench/results/${name}.json`;
  if (!existsSync(path)) { console.error(`no ${path}: region left as it was`); return whole; }
  const render = RENDERERS[name] ?? table;
  return `<!-- bench:${name} -->\n${render(JSON.parse(readFileSync(path, 'utf8')))}\n<!-- /bench:${name} -->`;
});
writeFileSync(DOC, doc);
console.log(`${DOC} regenerated`);
