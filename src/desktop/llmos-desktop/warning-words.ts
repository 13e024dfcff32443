/** Device warnings in words, for the desktop banners and the device report. @internal */
import { msg, str } from '@lit/localize';
import type { DeviceWarning } from '../services/recommend';

/** One warning as a short title and an explanation. */
export function warningWords(w: DeviceWarning): { title: string; text: string; severity: 'error' | 'warning' | 'info' } {
  switch (w.kind) {
    case 'too-small':
      return {
        title: msg('This device is too small for the catalog models.'),
        text: msg(str`The smallest needs about ${w.neededMB} MB; the budget allows ${w.availableMB} MB. Raise the budget in Settings if you know the device has more.`),
        severity: 'error',
      };
    case 'no-webgpu':
      return {
        title: msg('WebGPU is not available: models run on the CPU.'),
        text: msg('GGUF models run in WebAssembly on the CPU, more slowly. WebLLM models need WebGPU and are hidden.'),
        severity: 'warning',
      };
    case 'no-f16':
      return {
        title: msg('The GPU lacks shader-f16: GGUF models run on the CPU.'),
        text: msg('wllama needs shader-f16 for WebGPU, so it uses WebAssembly on the CPU. Only f32 WebLLM models are offered.'),
        severity: 'warning',
      };
    case 'software-gpu':
      return {
        title: msg('The WebGPU adapter is a software renderer.'),
        text: msg('Its "VRAM" is system memory and GPU models run slowly; the budget is sized for that.'),
        severity: 'info',
      };
    case 'not-isolated':
      return {
        title: msg('The page is not cross-origin isolated: WebAssembly runs on one thread.'),
        text: msg('The server must send Cross-Origin-Opener-Policy and Cross-Origin-Embedder-Policy headers.'),
        severity: 'warning',
      };
  }
}
