/**
 * The LLM OS desktop page. It builds the shared services (one kernel for the page, installed as the
 * API's shared kernel so `connect()`, the `LanguageModel` polyfill and the service-worker endpoint use
 * it too), applies theme and language before the first paint where it can, and mounts
 * `<llmos-desktop>`. App windows, the model library and the engines are separate chunks, loaded on
 * demand; engine libraries load only inside workers.
 */
import { setSharedKernel } from '../api/shared-kernel';
import { DesktopServices } from './services/desktop-services';
import type { ThemeChoice } from './services/desktop-settings';
import './llmos-desktop/define';
import { initLocalization, preferredLocale, setLocale } from '../locales/locale';
import './app.css';

const services = new DesktopServices();
setSharedKernel(services.kernel);

function applyTheme(theme: ThemeChoice): void {
  document.documentElement.dataset.theme = theme;
}

function applyLocale(): Promise<void> {
  return setLocale(services.settings.value.locale ?? preferredLocale()).catch(() => undefined);
}

applyTheme(services.settings.value.theme);
initLocalization();
void applyLocale();

const desktop = document.querySelector('llmos-desktop')!;
desktop.services = services;
services.settings.addEventListener('change', () => {
  applyTheme(services.settings.value.theme);
  void applyLocale();
});
// Downloads a reload or a closed tab interrupted continue where they stopped.
void services.library().then(() => services.downloads.resumePending(), () => undefined);

if (import.meta.env.PROD) {
  const prompt = document.createElement('llmos-update-prompt');
  prompt.slot = 'notice';
  desktop.append(prompt);
  void import('./pwa').then((m) => m.registerPwa(prompt));
}

/** A handle for the console and end-to-end tests: the page's services (kernel, library, settings). */
(globalThis as unknown as { llmos: { services: DesktopServices } }).llmos = { services };
