/**
 * The desktop's apps. AI apps (`process: true`) get their own kernel process per window, with the
 * app's default priority from the settings; system apps (task manager, model library, settings, device
 * report) are single windows without a process. Every app element is loaded lazily — its chunk is
 * fetched the first time a window of it opens (`app-loaders.ts`) — and takes `services` (a
 * `DesktopServices`) and `pid`. This module holds only what apps are, so an app (Settings) can list
 * them without importing every app's code.
 */
import { msg } from '@lit/localize';
import type { IconName } from '../components/shared/icons';

/** Ids of the built-in apps. */
export type AppId = 'chat' | 'translator' | 'summariser' | 'writing' | 'support' | 'knowledge' | 'tasks' | 'models' | 'settings' | 'device';

/** How the desktop knows an app. */
export interface AppDescriptor {
  id: AppId;
  /** Custom element tag of the app. */
  tag: string;
  icon: IconName;
  /** Runs model jobs: one kernel process per window. */
  process: boolean;
  /** Several windows may be open at once. */
  multi: boolean;
  /** Localised name. */
  title(): string;
  /** Localised one-line description (launcher). */
  blurb(): string;
}

/** Every built-in app, in launcher order. */
export const APPS: readonly AppDescriptor[] = [
  {
    id: 'chat', tag: 'llmos-chat-app', icon: 'chat', process: true, multi: true,
    title: () => msg('Chat'), blurb: () => msg('Conversations that are saved on this device.'),
  },
  {
    id: 'translator', tag: 'llmos-translator', icon: 'translator', process: true, multi: true,
    title: () => msg('Translator'), blurb: () => msg('Streaming translation between two languages.'),
  },
  {
    id: 'summariser', tag: 'llmos-summariser', icon: 'summariser', process: true, multi: true,
    title: () => msg('Summariser'), blurb: () => msg('Summaries of a text, and its sentiment and key points as JSON.'),
  },
  {
    id: 'writing', tag: 'llmos-writing', icon: 'writing', process: true, multi: true,
    title: () => msg('Writing'), blurb: () => msg('Write, rewrite and proofread, with corrections to accept or reject.'),
  },
  {
    id: 'support', tag: 'llmos-support', icon: 'support', process: true, multi: true,
    title: () => msg('Customer service'), blurb: () => msg('Answers grounded in your own FAQ.'),
  },
  {
    id: 'knowledge', tag: 'llmos-knowledge-app', icon: 'knowledge', process: false, multi: false,
    title: () => msg('Knowledge'), blurb: () => msg('Browse and edit the knowledge graph.'),
  },
  {
    id: 'tasks', tag: 'llmos-task-manager', icon: 'tasks', process: false, multi: false,
    title: () => msg('Task manager'), blurb: () => msg('Processes, models in memory, live charts.'),
  },
  {
    id: 'models', tag: 'llmos-model-library', icon: 'models', process: false, multi: false,
    title: () => msg('Models'), blurb: () => msg('Download, import and delete models.'),
  },
  {
    id: 'settings', tag: 'llmos-settings', icon: 'settings', process: false, multi: false,
    title: () => msg('Settings'), blurb: () => msg('Budgets, default models, theme and language.'),
  },
  {
    id: 'device', tag: 'llmos-device-report', icon: 'device', process: false, multi: false,
    title: () => msg('This device'), blurb: () => msg('What this device can run.'),
  },
];

/** The descriptor of an app id. */
export function appById(id: string): AppDescriptor | undefined {
  return APPS.find((a) => a.id === id);
}
