/**
 * The test server manager: a tiny HTTP server on 127.0.0.1:4191 (`ports.ts`; not 4190, a port fetch refuses) that tests (in Node or in the browser —
 * CORS is on) use to start and kill OpenAI-compatible test servers (`server.ts`, each its own process),
 * so a test can start a named server, point the remote engine at it, and kill it for real mid-stream.
 *
 *   POST /start {"name", "apiKey"?, "model"? (default "tiny-chars.gguf"), "modelName"? (default "tiny-chars")}
 *        → {"name", "url": "http://127.0.0.1:PORT/v1", "port", "pid", "apiKey", "model", "modelName", "startedAt"}
 *        (the running server of that name when its options are the same; else it is killed and restarted)
 *   POST /kill {"name"}  → SIGKILL, answered once the process is gone: {"killed": true|false, "name", "pid"?}
 *   GET  /list           → {"manager": "llmos-remote-server-manager", "servers": [the /start answers]}
 *   POST /stop-all       → {"stopped": N}
 *
 * Vitest's and Playwright's global setups run it (`startManager()`); a manager already listening on the
 * port (a developer's, or another run's) is reused. Children die with it: killed on teardown and on exit,
 * and each watches its stdin pipe, so they exit even when the manager is SIGKILLed.
 * Standalone: `npx tsx test/remote-server/manager.ts [--port 4191]`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateFixtures } from '../fixtures/generate.ts';

import { MANAGER_PORT } from './ports.ts';

export { MANAGER_PORT, MANAGER_URL } from './ports.ts';
const MARKER = 'llmos-remote-server-manager';
const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '../..');
const SERVER = join(HERE, 'server.ts');
/** How long a server may take to print its ready line. */
const START_TIMEOUT_MS = 60_000;

export interface StartRequest {
  name: string;
  apiKey?: string;
  model?: string;
  modelName?: string;
}
export interface ServerInfo {
  name: string;
  url: string;
  port: number;
  pid: number;
  apiKey: string | null;
  model: string;
  modelName: string;
  startedAt: number;
}

interface Child { info: ServerInfo; proc: ChildProcess; exited: Promise<void> }

const children = new Map<string, Child>();
const starting = new Map<string, Promise<ServerInfo>>();

function killAllSync(): void {
  for (const c of children.values()) {
    try { c.proc.kill('SIGKILL'); } catch { /* already gone */ }
  }
}
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', killAllSync);
}

/** Starts one server process and waits for its ready line. */
function spawnServer(req: Required<Omit<StartRequest, 'apiKey'>> & { apiKey?: string }): Promise<Child> {
  installExitHook();
  const args = ['--import', 'tsx', SERVER, '--port', '0', '--model', req.model, '--model-name', req.modelName, '--exit-with-stdin'];
  if (req.apiKey !== undefined) args.push('--api-key', req.apiKey);
  const proc = spawn(process.execPath, args, { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, NODE_OPTIONS: '' } });
  const exited = new Promise<void>((done) => proc.once('exit', () => done()));
  let stderr = '';
  proc.stderr!.setEncoding('utf8');
  proc.stderr!.on('data', (d: string) => { stderr = (stderr + d).slice(-4000); });
  return new Promise<Child>((resolveStart, reject) => {
    let out = '';
    const timer = setTimeout(() => { proc.kill('SIGKILL'); reject(new Error(`server "${req.name}" not ready after ${START_TIMEOUT_MS} ms: ${stderr}`)); }, START_TIMEOUT_MS);
    const onExit = (code: number | null, signal: string | null) => {
      clearTimeout(timer);
      reject(new Error(`server "${req.name}" exited before it was ready (code ${code}, signal ${signal}): ${stderr}`));
    };
    proc.once('exit', onExit);
    proc.stdout!.setEncoding('utf8');
    proc.stdout!.on('data', (d: string) => {
      out += d;
      const line = out.split('\n').find((l) => l.includes('"ready"'));
      if (!line) return;
      out = '';
      clearTimeout(timer);
      proc.off('exit', onExit);
      const { port } = JSON.parse(line) as { port: number };
      const info: ServerInfo = {
        name: req.name, url: `http://127.0.0.1:${port}/v1`, port, pid: proc.pid!, apiKey: req.apiKey ?? null,
        model: req.model, modelName: req.modelName, startedAt: Date.now(),
      };
      resolveStart({ info, proc, exited });
    });
  });
}

/** Starts (or returns the running) server `name`. Same options → the same process. */
export async function startServer(req: StartRequest): Promise<ServerInfo> {
  if (!req || typeof req.name !== 'string' || req.name === '') throw new Error('"name" is required');
  const want = { name: req.name, model: req.model ?? 'tiny-chars.gguf', modelName: req.modelName ?? 'tiny-chars', ...(req.apiKey !== undefined ? { apiKey: req.apiKey } : {}) };
  const pending = starting.get(req.name);
  if (pending) await pending.catch(() => {});
  const running = children.get(req.name);
  if (running) {
    const i = running.info;
    if (i.model === want.model && i.modelName === want.modelName && i.apiKey === (want.apiKey ?? null)) return i;
    await killServer(req.name);
  }
  const p = (async () => {
    const child = await spawnServer(want);
    children.set(req.name, child);
    void child.exited.then(() => { if (children.get(req.name) === child) children.delete(req.name); });
    return child.info;
  })();
  starting.set(req.name, p);
  try {
    return await p;
  } finally {
    if (starting.get(req.name) === p) starting.delete(req.name);
  }
}

/** SIGKILLs server `name`; resolves once it has exited. */
export async function killServer(name: string): Promise<{ killed: boolean; name: string; pid?: number }> {
  const pending = starting.get(name);
  if (pending) await pending.catch(() => {});
  const child = children.get(name);
  if (!child) return { killed: false, name };
  child.proc.kill('SIGKILL');
  await child.exited;
  children.delete(name);
  return { killed: true, name, pid: child.info.pid };
}

export function listServers(): ServerInfo[] {
  return [...children.values()].map((c) => c.info);
}

export async function stopAll(): Promise<number> {
  const names = [...children.keys()];
  await Promise.all(names.map((n) => killServer(n)));
  return names.length;
}

// ---------------------------------------------------------------------------------------------- HTTP

function cors(req: IncomingMessage, res: ServerResponse): void {
  res.setHeader('Access-Control-Allow-Origin', req.headers.origin ?? '*');
  res.setHeader('Vary', 'Origin');
  res.setHeader('Access-Control-Allow-Headers', 'Content-Type');
  res.setHeader('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
  res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
  if (req.headers['access-control-request-private-network']) res.setHeader('Access-Control-Allow-Private-Network', 'true');
}

async function body(req: IncomingMessage): Promise<Record<string, unknown>> {
  let text = '';
  for await (const part of req) {
    text += String(part);
    if (text.length > 64 * 1024) throw new Error('body too large');
  }
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  cors(req, res);
  const send = (status: number, obj: unknown) => { res.writeHead(status, { 'Content-Type': 'application/json' }); res.end(JSON.stringify(obj)); };
  const path = new URL(req.url ?? '/', 'http://x').pathname;
  try {
    if (req.method === 'OPTIONS') { res.writeHead(204); res.end(); return; }
    if (req.method === 'GET' && path === '/list') { send(200, { manager: MARKER, servers: listServers() }); return; }
    if (req.method === 'POST' && path === '/start') { send(200, await startServer((await body(req)) as unknown as StartRequest)); return; }
    if (req.method === 'POST' && path === '/kill') { send(200, await killServer(String((await body(req)).name ?? ''))); return; }
    if (req.method === 'POST' && path === '/stop-all') { send(200, { stopped: await stopAll() }); return; }
    send(404, { error: `unknown ${req.method} ${path}` });
  } catch (err) {
    send(500, { error: err instanceof Error ? err.message : String(err) });
  }
}

/** Whether a manager already answers on the port. */
async function managerAnswers(port: number): Promise<boolean> {
  // A few tries: the other manager may live in a process that is busy starting up (a Vitest run).
  for (let i = 0; i < 5; i++) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/list`, { signal: AbortSignal.timeout(5000) });
      return ((await res.json()) as { manager?: string }).manager === MARKER;
    } catch {
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  return false;
}

/**
 * Runs the manager on 127.0.0.1:`port` (4191). Resolves with a teardown that kills every server it
 * started and closes it. When a manager already answers there, it is reused and the teardown does nothing.
 */
export async function startManager(port = MANAGER_PORT): Promise<() => Promise<void>> {
  generateFixtures();
  const server: Server = createServer((req, res) => { void handle(req, res); });
  const listening = await new Promise<boolean>((ok, fail) => {
    server.once('error', (err: NodeJS.ErrnoException) => (err.code === 'EADDRINUSE' ? ok(false) : fail(err)));
    server.listen(port, '127.0.0.1', () => ok(true));
  });
  if (!listening) {
    if (await managerAnswers(port)) return async () => {};
    throw new Error(`port ${port} is taken by something that is not the test server manager`);
  }
  installExitHook();
  return async () => {
    await stopAll();
    server.closeAllConnections();
    await new Promise<void>((done) => server.close(() => done()));
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  const i = process.argv.indexOf('--port');
  const port = i >= 0 ? Number(process.argv[i + 1]) : MANAGER_PORT;
  const stop = await startManager(port);
  process.stdout.write(`${JSON.stringify({ ready: true, port, url: `http://127.0.0.1:${port}` })}\n`);
  const quit = () => { void stop().finally(() => process.exit(0)); };
  process.on('SIGINT', quit);
  process.on('SIGTERM', quit);
}
