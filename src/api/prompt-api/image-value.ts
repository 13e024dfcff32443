/**
 * Image values of the Prompt API polyfill (`{type: 'image', value}`) as the data URLs a `ChatMessage`
 * carries. The explainer allows every `ImageBitmapSource` — `Blob`/`File`, `ImageBitmap`, `ImageData`,
 * `HTMLImageElement`, `SVGImageElement`, `HTMLCanvasElement`, `OffscreenCanvas`, `HTMLVideoElement` (its
 * current frame), `VideoFrame` — and encoded bytes as a `BufferSource` (`ArrayBuffer` or a view).
 *
 * Encoded bytes (a Blob or a BufferSource) are decoded by the browser and re-encoded (`imageFileToDataUrl`:
 * scaled down to `MAX_ATTACHMENT_SIDE`, JPEG stays JPEG, anything else becomes PNG); bytes the browser
 * cannot decode reject with an `EncodingError` DOMException, as the explainer specifies. Pixel sources
 * are drawn onto an `OffscreenCanvas` (same scaling) and encoded as PNG; the browser's own errors pass
 * through — `SecurityError` for a cross-origin-tainted source, `InvalidStateError` for a closed bitmap,
 * a broken image's `EncodingError`.
 */
import { InvalidRequestError } from '../../errors';
import { blobToDataUrl, imageFileToDataUrl, MAX_ATTACHMENT_SIDE } from '../../protocol/image-input';
import { domError } from './prompt-errors';

/** The `ImageBitmapSource` classes, by global name (a worker has only some of them). */
const PIXEL_SOURCES = [
  'ImageBitmap', 'ImageData', 'HTMLImageElement', 'SVGImageElement', 'HTMLCanvasElement', 'OffscreenCanvas', 'HTMLVideoElement', 'VideoFrame',
] as const;

function isPixelSource(value: unknown): value is ImageBitmapSource {
  const g = globalThis as unknown as Record<string, unknown>;
  return PIXEL_SOURCES.some((name) => typeof g[name] === 'function' && value instanceof (g[name] as abstract new () => unknown));
}

/** Whether `value` is something the explainer accepts as an image (`ImageBitmapSource` or `BufferSource`). */
export function isImageValue(value: unknown): boolean {
  return value instanceof Blob || value instanceof ArrayBuffer || ArrayBuffer.isView(value) || isPixelSource(value);
}

async function encodedToDataUrl(blob: Blob): Promise<string> {
  try {
    return (await imageFileToDataUrl(blob)).url;
  } catch (e) {
    if (e instanceof InvalidRequestError) throw domError('EncodingError', 'The image data could not be decoded', e);
    throw e;
  }
}

async function pixelsToDataUrl(source: ImageBitmapSource): Promise<string> {
  // An <img> may still be loading: wait for it (a broken one rejects with EncodingError).
  if (typeof HTMLImageElement === 'function' && source instanceof HTMLImageElement) await source.decode();
  const bitmap = await createImageBitmap(source);
  try {
    if (!bitmap.width || !bitmap.height) throw domError('InvalidStateError', 'The image has no pixels');
    const scale = Math.min(1, MAX_ATTACHMENT_SIDE / Math.max(bitmap.width, bitmap.height));
    const width = Math.max(1, Math.round(bitmap.width * scale));
    const height = Math.max(1, Math.round(bitmap.height * scale));
    const canvas = new OffscreenCanvas(width, height);
    const ctx = canvas.getContext('2d');
    if (!ctx) throw domError('NotSupportedError', 'No 2D canvas to encode the image with');
    ctx.drawImage(bitmap, 0, 0, width, height);
    return await blobToDataUrl(await canvas.convertToBlob({ type: 'image/png' }));
  } finally {
    bitmap.close();
  }
}

/** An image value as a `data:image/…;base64` URL (see the module comment for errors). */
export function imageValueToDataUrl(value: unknown): Promise<string> {
  if (value instanceof Blob) return encodedToDataUrl(value);
  if (value instanceof ArrayBuffer) return encodedToDataUrl(new Blob([value]));
  if (ArrayBuffer.isView(value)) {
    // Copy the view's bytes (it may be a window into a larger or shared buffer).
    return encodedToDataUrl(new Blob([new Uint8Array(value.buffer, value.byteOffset, value.byteLength).slice()]));
  }
  if (isPixelSource(value)) return pixelsToDataUrl(value);
  return Promise.reject(new TypeError('An image value must be an ImageBitmapSource or a BufferSource'));
}
