/** Types of scripts/elements-doc.mjs, for the TypeScript test that imports it. */
export const ROOT: string;
export const MANIFEST: string;
export const DOC: string;
export const BEGIN: string;
export const END: string;
/** A Custom Elements Manifest (schema 1.0.0), as the analyzer returns it. */
export type Manifest = { schemaVersion: string; modules: { path: string; declarations?: Record<string, unknown>[]; exports?: Record<string, unknown>[] }[] };
export function analyze(cwd?: string): Promise<Manifest>;
export function manifestText(manifest: Manifest): string;
export function renderReference(manifest: Manifest): string;
export function withReference(doc: string, reference: string): string;
export function expected(cwd?: string): Promise<{ manifest: string; doc: string }>;
