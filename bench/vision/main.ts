/**
 * Image input costs, side by side in one run:
 * 1. preparing an attachment on the page (`imageFileToDataUrl`: decode, scale to ≤ 1024 px, encode, data
 *    URL) and in the engine worker (`imageForModel`: decode the data URL, re-encode PNG), for photo-like
 *    JPEGs of 0.3, 2 and 12 megapixels (median of 5);
 * 2. time to first token of one chat request through an engine worker (tiny.gguf + its vision
 *    projector, 2 threads) with 0, 1 and 4 images (median of 5, alternating), so the cost of one image is
 *    the difference — preparation, the CLIP encode of the fixture projector and the prefill of its 16
 *    tokens. The fixture projector is tiny: a real one (e.g. SigLIP-93M) encodes for much longer; the
 *    preparation figures hold for any model.
 */
import { blobToDataUrl, imageFileToDataUrl, imageForModel } from '../../src/protocol/image-input';
import { EngineClient } from '../../src/kernel/engine-client';
import { greedy, TINY_URL } from '../../test/helpers/engines';
import { TINY_MMPROJ_URL } from '../../test/helpers/images';
import { log, median, publish } from '../lib/page-utils';

const RUNS = 5;

/** A photo-like JPEG: smooth gradients plus noise, so that it compresses like a camera picture. */
async function photo(width: number, height: number): Promise<Blob> {
  const canvas = new OffscreenCanvas(width, height);
  const g = canvas.getContext('2d')!;
  const grad = g.createLinearGradient(0, 0, width, height);
  grad.addColorStop(0, '#3b6'); grad.addColorStop(0.5, '#c84'); grad.addColorStop(1, '#248');
  g.fillStyle = grad;
  g.fillRect(0, 0, width, height);
  const noise = g.getImageData(0, 0, width, height);
  let s = 1;
  for (let i = 0; i < noise.data.length; i += 4) {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    const n = (s % 41) - 20;
    noise.data[i] = noise.data[i]! + n; noise.data[i + 1] = noise.data[i + 1]! + n; noise.data[i + 2] = noise.data[i + 2]! + n;
  }
  g.putImageData(noise, 0, 0);
  return canvas.convertToBlob({ type: 'image/jpeg', quality: 0.9 });
}

async function ms(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

async function run() {
  const rows: Record<string, string | number>[] = [];
  const summary: Record<string, number> = {};
  for (const [w, h] of [[640, 480], [1920, 1080], [4032, 3024]] as const) {
    const file = await photo(w, h);
    const page: number[] = [], worker: number[] = [];
    let url = '';
    for (let i = 0; i < RUNS; i++) {
      page.push(await ms(async () => { url = (await imageFileToDataUrl(file)).url; }));
      worker.push(await ms(() => imageForModel(url)));
    }
    const mp = (w * h) / 1e6;
    rows.push({
      image: `${w}×${h} JPEG (${mp.toFixed(1)} MP)`, inputKB: Math.round(file.size / 1024), keptKB: Math.round((url.length * 3) / 4 / 1024),
      pagePrepMs: median(page), modelPrepMs: median(worker), promptTokens: '', ttftMs: '',
    });
    log(`${w}x${h}: page ${median(page).toFixed(1)} ms, model ${median(worker).toFixed(1)} ms`);
    if (w === 4032) { summary.prep12MpPageMs = median(page); summary.prep12MpModelMs = median(worker); summary.kept12MpKB = Math.round((url.length * 3) / 4 / 1024); }
  }

  const client = await EngineClient.start();
  await client.load('wllama', { kind: 'gguf-url', id: 'tiny-vision', url: TINY_URL, projectorUrl: TINY_MMPROJ_URL }, { nThreads: 2, nCtx: 1024 });
  const picture = (await imageFileToDataUrl(await photo(1920, 1080))).url;
  const other = await blobToDataUrl(await photo(800, 600));
  const ask = (images: string[]) => greedy({ prompt: undefined, maxTokens: 4, messages: [{ role: 'user', content: 'describe this', ...(images.length ? { images } : {}) }] });
  const ttft: Record<number, number[]> = { 0: [], 1: [], 4: [] };
  const promptTokens: Record<number, number> = {};
  for (let i = 0; i < RUNS + 1; i++) {
    for (const n of [0, 1, 4]) {
      // A fresh system line each round, before everything: llama.cpp's prompt cache cannot skip the image.
      const imgs = Array.from({ length: n }, (_, k) => (k % 2 ? other : picture));
      const req = ask(imgs);
      req.messages!.unshift({ role: 'system', content: `round ${i}` });
      const r = await client.generate(req, () => {});
      if (i > 0) ttft[n]!.push(r.usage.ttftMs); // round 0 warms up
      promptTokens[n] = r.usage.promptTokens;
    }
  }
  client.terminate();
  for (const n of [0, 1, 4]) rows.push({ image: `chat request with ${n} image(s)`, inputKB: '', keptKB: '', pagePrepMs: '', modelPrepMs: '', promptTokens: promptTokens[n]!, ttftMs: median(ttft[n]!) });
  summary.ttftNoImageMs = median(ttft[0]!);
  summary.ttftPerImageMs = (median(ttft[4]!) - median(ttft[0]!)) / 4;
  summary.tokensPerImage = (promptTokens[4]! - promptTokens[0]!) / 4;
  publish({ rows, summary });
}

run().catch((e: unknown) => publish({ rows: [], summary: {}, error: e instanceof Error ? e.stack ?? e.message : String(e) }));
