/**
 * What this device can run: warnings for the first-run report and the desktop banners (no WebGPU, no
 * `shader-f16`, not cross-origin isolated, too small for any catalog model) and the one model to
 * recommend. Pure functions over the kernel's `DeviceProbe` and `Budget` and the catalog.
 *
 * The rule: GGUF models (wllama) run everywhere — on WebGPU where the adapter has `shader-f16`, else on
 * the CPU — so they are preferred; recommend the largest whose estimated memory fits in half the budget
 * that will hold it (room for a second app), else the smallest that fits at all. WebLLM models only
 * when no GGUF model fits and the adapter is a real GPU.
 */
import type { Budget, DeviceProbe } from '../../kernel/device-budget';
import type { CatalogEntry } from '../../models/catalog';

/** Something the desktop shows as a banner. */
export type DeviceWarning =
  | { kind: 'no-webgpu' }
  | { kind: 'no-f16' }
  | { kind: 'software-gpu' }
  | { kind: 'not-isolated' }
  | { kind: 'too-small'; neededMB: number; availableMB: number };

/** The recommendation and the reason in numbers. */
export interface Recommendation {
  entry: CatalogEntry;
  /** The budget that must hold it. */
  budget: 'ram' | 'vram';
  memoryMB: number;
  budgetMB: number;
}

const MB = 1024 * 1024;

/** The budget a catalog model is charged to (wllama on CPU → RAM; WebLLM and wllama on WebGPU f16 → VRAM). */
export function budgetFor(entry: CatalogEntry, probe: DeviceProbe): 'ram' | 'vram' {
  if (entry.engine === 'webllm') return 'vram';
  return probe.gpu?.features.includes('shader-f16') ? 'vram' : 'ram';
}

/** The recommended model, or null when none fits. `entries` should exclude test fixtures. */
export function recommendModel(probe: DeviceProbe, budget: Budget, entries: readonly CatalogEntry[]): Recommendation | null {
  const avail = (b: 'ram' | 'vram') => (b === 'ram' ? budget.ramBytes : budget.vramBytes);
  const fits = (e: CatalogEntry) => e.memoryBytes > 0 && e.memoryBytes <= avail(budgetFor(e, probe));
  const pick = (e: CatalogEntry): Recommendation => {
    const b = budgetFor(e, probe);
    return { entry: e, budget: b, memoryMB: Math.round(e.memoryBytes / MB), budgetMB: Math.round(avail(b) / MB) };
  };
  const gguf = entries.filter((e) => e.engine === 'wllama' && fits(e)).sort((a, b) => a.memoryBytes - b.memoryBytes);
  const roomy = gguf.filter((e) => e.memoryBytes <= avail(budgetFor(e, probe)) / 2);
  if (roomy.length) return pick(roomy[roomy.length - 1]!);
  if (gguf.length) return pick(gguf[0]!);
  if (probe.gpu && !probe.gpu.software) {
    const f16 = probe.gpu.features.includes('shader-f16');
    const webllm = entries.filter((e) => e.engine === 'webllm' && (f16 || !e.f16) && fits(e)).sort((a, b) => a.memoryBytes - b.memoryBytes);
    if (webllm.length) return pick(webllm[0]!);
  }
  return null;
}

/** Warnings about the device, most severe first. */
export function deviceWarnings(probe: DeviceProbe, budget: Budget, entries: readonly CatalogEntry[], isolated: boolean): DeviceWarning[] {
  const out: DeviceWarning[] = [];
  if (!recommendModel(probe, budget, entries)) {
    const smallest = entries.filter((e) => e.memoryBytes > 0).reduce((m, e) => Math.min(m, e.memoryBytes), Infinity);
    out.push({
      kind: 'too-small',
      neededMB: Number.isFinite(smallest) ? Math.round(smallest / MB) : 0,
      availableMB: Math.round(Math.max(budget.ramBytes, budget.vramBytes) / MB),
    });
  }
  if (!probe.gpu) out.push({ kind: 'no-webgpu' });
  else if (!probe.gpu.features.includes('shader-f16')) out.push({ kind: 'no-f16' });
  if (probe.gpu?.software) out.push({ kind: 'software-gpu' });
  if (!isolated) out.push({ kind: 'not-isolated' });
  return out;
}
