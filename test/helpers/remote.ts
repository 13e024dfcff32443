/**
 * Test helpers for remote engines: the real OpenAI-compatible test servers (llama.cpp through
 * node-llama-cpp, `test/remote-server/`), started and killed through their manager on 127.0.0.1:4191,
 * which the test setups run.
 */
import { MANAGER_URL } from '../remote-server/ports';

/** The manager's URL (`test/remote-server/ports.ts`). */
export const MANAGER = MANAGER_URL;

export interface TestServer {
  name: string;
  /** Base URL, `/v1` included. */
  url: string;
  /** The server's control URL (`/__control`). */
  control: string;
}

async function post(url: string, body: unknown): Promise<Response> {
  const res = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`${url}: ${res.status} ${await res.text()}`);
  return res;
}

/** Start (or get) the test server `name`, serving tiny-chars as `tiny-chars` unless told otherwise. */
export async function startServer(name: string, opts: { apiKey?: string; model?: string; modelName?: string } = {}): Promise<TestServer> {
  const { url } = await (await post(`${MANAGER}/start`, { name, ...opts })).json() as { url: string };
  return { name, url, control: `${url.replace(/\/v1$/, '')}/__control` };
}

/** Kill a test server (SIGKILL) and wait until it is gone. */
export async function killServer(name: string): Promise<void> {
  await post(`${MANAGER}/kill`, { name });
}

/** Set a server's faults and pace (`rateLimit`, `fail`, `dieAfterTokens`, `tokenDelayMs`, `reset`). */
export async function control(s: TestServer, body: Record<string, unknown>): Promise<void> {
  await post(s.control, body);
}

/** One request the server saw. */
export interface SeenRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Record<string, unknown> | null;
  status: number;
  clientDisconnected: boolean;
  tokensSent: number;
  at: number;
}

/** Every request the server saw (`clear`: and forget them). */
export async function requests(s: TestServer, clear = false): Promise<SeenRequest[]> {
  const res = await fetch(`${s.control}/requests${clear ? '?clear=1' : ''}`);
  const body = await res.json() as SeenRequest[] | { requests: SeenRequest[] };
  return Array.isArray(body) ? body : body.requests;
}

/** The server's own answer to a greedy chat request (non-streamed, straight to it): the reference text. */
export async function direct(s: TestServer, body: Record<string, unknown>, apiKey?: string): Promise<string> {
  const res = await fetch(`${s.url}/chat/completions`, {
    method: 'POST', headers: { 'Content-Type': 'application/json', ...(apiKey ? { Authorization: `Bearer ${apiKey}` } : {}) },
    body: JSON.stringify({ model: 'tiny-chars', temperature: 0, ...body, stream: false }),
  });
  if (!res.ok) throw new Error(`direct: ${res.status} ${await res.text()}`);
  const j = await res.json() as { choices: { message: { content: string } }[] };
  return j.choices[0]!.message.content;
}
