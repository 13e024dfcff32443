/**
 * How each app's element is registered: a dynamic import, so its chunk is fetched the first time a
 * window of it opens. Kept apart from `registry.ts` (what apps are) so that a system app may read the
 * registry without an import circle through its own loader.
 */
import type { AppId } from './registry';

/** App id → registers the app's tag. */
export const APP_LOADERS: Record<AppId, () => Promise<unknown>> = {
  chat: () => import('../apps/chat/define'),
  translator: () => import('../apps/translator/define'),
  summariser: () => import('../apps/summariser/define'),
  writing: () => import('../apps/writing/define'),
  support: () => import('../apps/support/define'),
  knowledge: () => import('../apps/knowledge/define'),
  tasks: () => import('../components/llmos-task-manager/define'),
  models: () => import('./llmos-model-library/define'),
  settings: () => import('./llmos-settings/define'),
  device: () => import('./llmos-device-report/define'),
};
