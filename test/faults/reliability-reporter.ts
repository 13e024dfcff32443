/**
 * Vitest reporter: collects every test tagged by `faultCase()` with its result and writes
 * reports/reliability-vitest.json; scripts/reliability-table.mjs merges it (with the Playwright
 * fault cases) into docs/reliability.md. A partial run (some files) replaces only those files' rows.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { Reporter, TestModule } from 'vitest/node';
import type { ReliabilityMeta } from './reliability.ts';

export default class ReliabilityReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    const rows: Record<string, unknown>[] = [];
    const ran = new Set(modules.map((m) => m.moduleId.replace(process.cwd() + '/', '')));
    for (const mod of modules) {
      for (const tc of mod.children.allTests()) {
        const meta = (tc.meta() as { reliability?: ReliabilityMeta }).reliability;
        if (!meta) continue;
        const r = tc.result();
        rows.push({
          area: meta.area, case: tc.name, expected: meta.expected,
          result: r.state === 'passed' ? 'pass' : r.state === 'failed' ? 'fail' : r.state,
          file: mod.moduleId.replace(process.cwd() + '/', ''),
          ms: Math.round(tc.diagnostic()?.duration ?? 0),
        });
      }
    }
    const path = 'reports/reliability-vitest.json';
    const kept = existsSync(path)
      ? (JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>[]).filter((r) => !ran.has(String(r['file'])))
      : [];
    if (!rows.length && !kept.length) return;
    mkdirSync('reports', { recursive: true });
    writeFileSync(path, JSON.stringify([...kept, ...rows], null, 1) + '\n');
  }
}
