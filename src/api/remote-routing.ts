/**
 * Where an app's job runs: on this device, or on a server the user added (`models/remote/`). Every API
 * surface admits jobs through `AppSession`, which asks `routeJob` once the model is known:
 *
 * - A job for a remote model (`remote:<name>`) may go only to servers its app was allowed to use; the first
 *   use asks the user (`RemoteServers.onGrantRequest`), and a refusal is `PermissionError`. The allowed
 *   servers travel with the job (`GenerateRequest.servers`): the engine sends it nowhere else.
 * - A job for a local model follows the app's `RoutingPolicy`: `device` (the default) keeps it here;
 *   `device-else-server` sends it to a server serving that model when no local copy could ever fit the
 *   budget (or the device has no usable backend); `server-preferred` sends it to such a server whenever
 *   there is one. The decision is synchronous and cheap (measured in bench/remote).
 *
 * Without a `RemoteServers` on the kernel (`useRemoteServers`), a remote model is refused: nothing leaves
 * the device unless the user set it up.
 */
import { PermissionError } from '../errors';
import type { KernelApi } from '../kernel/kernel-api';
import { refusal } from '../kernel/placement';
import type { JobParams } from '../kernel/types';
import type { RemoteServers } from '../models/remote/remote-servers';
import { isRemoteModelId } from '../protocol/remote';

const registry = new WeakMap<KernelApi, RemoteServers>();

/** Make `servers` the remote servers (grants, policies) of every API surface on `kernel`; null removes them. */
export function useRemoteServers(kernel: KernelApi, servers: RemoteServers | null): void {
  if (servers) registry.set(kernel, servers);
  else registry.delete(kernel);
}

/** The remote servers of a kernel, if the page set them up. */
export function remoteServersOf(kernel: KernelApi): RemoteServers | null {
  return registry.get(kernel) ?? null;
}

/** Whether a local model can never run here: it needs more than the whole budget, or there is no budget. */
export function cannotRunHere(kernel: KernelApi, model: string): boolean {
  const reg = kernel.registeredModels().find((m) => m.id === model);
  const budget = kernel.budget;
  if (!reg || !budget) return false;
  return refusal(reg, budget) !== null;
}

/** Where the job goes, before anything is submitted: `model` (maybe a remote one) and the params to send it with. */
export async function routeJob(
  kernel: KernelApi, app: { appId: string; name: string }, model: string, params: JobParams,
): Promise<{ model: string; params: JobParams }> {
  const servers = remoteServersOf(kernel);
  let target = model;
  if (servers && !isRemoteModelId(model)) {
    const policy = servers.policy(app.appId);
    if (policy !== 'device') {
      const remote = servers.remoteFor(model);
      if (remote && (policy === 'server-preferred' || cannotRunHere(kernel, model))) target = remote.id;
    }
  }
  if (!isRemoteModelId(target)) {
    // Local work never carries server ids.
    if (params.servers === undefined) return { model: target, params };
    const { servers: _drop, ...rest } = params;
    return { model: target, params: rest };
  }
  if (!servers) {
    throw new PermissionError(`${target} runs on a remote server, and this page has no servers set up`, { model: target, reason: 'no-servers' });
  }
  const allowed = await servers.allowedServers(app.appId, app.name, target);
  return { model: target, params: { ...params, servers: allowed } };
}
