/**
 * docs/api.md's runnable examples, executed as written: every ```js runnable block is run in this page
 * with `import … from 'llm-os'` bound to the package's public API (src/index.ts). They use the page's
 * shared kernel and the fixture model, like a reader's page would.
 */
import { expect, test } from 'vitest';
import doc from '../../docs/api.md?raw';
import * as llmOs from '../index';

const blocks = [...doc.matchAll(/```js runnable\n([\s\S]*?)```/g)].map((m) => m[1]!);
const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (...args: string[]) => (...a: unknown[]) => Promise<void>;

/** `import { a, b as c } from 'llm-os';` → `const { a, b: c } = llmOs;` (the only import the examples use). */
function bindImports(code: string): string {
  return code.replace(/import\s*\{([^}]*)\}\s*from\s*'llm-os';/g, (_, names: string) => `const {${names.replace(/\s+as\s+/g, ': ')}} = llmOs;`);
}

test('docs/api.md has runnable examples for the client, structured output, quotas and the Prompt API', () => {
  expect(blocks.length).toBeGreaterThanOrEqual(5);
  for (const b of blocks) expect(b).not.toMatch(/^\s*import (?!\{[^}]*\}\s*from\s*'llm-os')/m);
});

test.each(blocks.map((b, i) => [i + 1, b.split('\n').find((l) => l.includes("from 'llm-os'")) ?? '', b] as const))(
  'example %i runs as written (%s)', async (_i, _first, code) => {
    const logs: unknown[][] = [];
    const console = { ...globalThis.console, log: (...a: unknown[]) => { logs.push(a); if (import.meta.env.VITE_SHOW_LOGS) globalThis.console.log("[example]", ...a); } };
    await new AsyncFunction('llmOs', 'console', bindImports(code))(llmOs, console);
    expect(logs.length).toBeGreaterThan(0);
  }, 120_000);
