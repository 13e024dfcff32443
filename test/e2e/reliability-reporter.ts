/**
 * Playwright reporter: tests annotated `{ type: 'reliability', description: JSON.stringify({area, expected}) }`
 * are written to reports/reliability-playwright.json for scripts/reliability-table.mjs.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import type { Reporter, TestCase, TestResult } from '@playwright/test/reporter';

export default class ReliabilityReporter implements Reporter {
  private rows: Record<string, unknown>[] = [];

  onTestEnd(test: TestCase, result: TestResult): void {
    const ann = test.annotations.find((a) => a.type === 'reliability');
    if (!ann?.description) return;
    const meta = JSON.parse(ann.description) as { area: string; expected: string };
    this.rows.push({
      area: meta.area, case: test.title, expected: meta.expected,
      result: result.status === 'passed' ? 'pass' : result.status === 'failed' || result.status === 'timedOut' ? 'fail' : result.status,
      file: relative(process.cwd(), test.location.file), ms: result.duration,
    });
  }

  onEnd(): void {
    if (!this.rows.length) return;
    mkdirSync('reports', { recursive: true });
    writeFileSync('reports/reliability-playwright.json', JSON.stringify(this.rows, null, 1) + '\n');
  }
}
