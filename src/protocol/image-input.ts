/**
 * Images as model input. A chat image travels as a `data:image/…;base64,…` URL (JSON-safe). Before an
 * engine hands it to native code it is decoded by the browser (`createImageBitmap`: the same hardened
 * decoders that show images on the web, every format the browser knows — PNG, JPEG, WebP, GIF, AVIF,
 * BMP…), scaled down to at most `MAX_MODEL_IMAGE_SIDE` pixels per side and encoded again as PNG. So
 * llama.cpp's own image loader only ever sees a small PNG we made, and a corrupt or hostile file is a
 * typed `InvalidRequestError` instead of a crash inside wasm. Works in workers and on the page.
 */
import { InvalidRequestError } from '../errors';

/** Most images in one request. */
export const MAX_IMAGES = 16;
/** Longest data URL accepted for one image (≈ 12 MB of image bytes). */
export const MAX_IMAGE_URL_CHARS = 16 * 1024 * 1024;
/** Side, in pixels, an image is scaled down to before a model sees it (vision encoders use far less). */
export const MAX_MODEL_IMAGE_SIDE = 1024;
/** Side, in pixels, the chat scales attachments down to before it keeps them (what a model will see). */
export const MAX_ATTACHMENT_SIDE = MAX_MODEL_IMAGE_SIDE;

const DATA_URL = /^data:(image\/[a-z0-9.+-]+);base64,/i;

/** Check the shape of an image URL (cheap, synchronous): `InvalidRequestError` naming `field` otherwise. */
export function checkImageUrl(url: unknown, field: string): asserts url is string {
  if (typeof url !== 'string' || !DATA_URL.test(url)) {
    throw new InvalidRequestError(`${field} must be a data:image/…;base64 URL`, { field });
  }
  if (url.length > MAX_IMAGE_URL_CHARS) {
    throw new InvalidRequestError(`${field} is larger than ${MAX_IMAGE_URL_CHARS} characters`, { field, chars: url.length });
  }
}

/** The bytes and media type of an image data URL. */
export function decodeImageUrl(url: string, field = 'image'): Blob {
  checkImageUrl(url, field);
  const comma = url.indexOf(',');
  const type = DATA_URL.exec(url)![1]!.toLowerCase();
  let bin: string;
  try {
    bin = atob(url.slice(comma + 1).replace(/\s+/g, ''));
  } catch {
    throw new InvalidRequestError(`${field} is not valid base64`, { field });
  }
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return new Blob([bytes], { type });
}

/** A decoded, possibly scaled-down image, encoded anew. */
export interface PreparedImage {
  blob: Blob;
  width: number;
  height: number;
}

/**
 * Decode `source` with the browser and encode it anew as `type`, scaled so that neither side exceeds
 * `maxSide`. A file the browser cannot decode is an `InvalidRequestError` naming `field`.
 */
export async function reencodeImage(source: Blob, options: { maxSide: number; type?: 'image/png' | 'image/jpeg'; field?: string }): Promise<PreparedImage> {
  const field = options.field ?? 'image';
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(source);
  } catch {
    throw new InvalidRequestError(`${field} is not an image this browser can decode`, { field, type: source.type, bytes: source.size });
  }
  try {
    const scale = Math.min(1, options.maxSide / Math.max(bitmap.width, bitmap.height));
    const width = Math.max(1, Math.round(bitmap.width * scale));
    const height = Math.max(1, Math.round(bitmap.height * scale));
    const canvas = new OffscreenCanvas(width, height);
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new InvalidRequestError('No 2D canvas to prepare the image with', { field });
    ctx.drawImage(bitmap, 0, 0, width, height);
    const type = options.type ?? 'image/png';
    const blob = await canvas.convertToBlob(type === 'image/jpeg' ? { type, quality: 0.9 } : { type });
    return { blob, width, height };
  } finally {
    bitmap.close();
  }
}

/** An image data URL as the PNG bytes an engine gives the model (see the module comment). */
export async function imageForModel(url: string, field = 'image'): Promise<PreparedImage & { bytes: ArrayBuffer }> {
  const prepared = await reencodeImage(decodeImageUrl(url, field), { maxSide: MAX_MODEL_IMAGE_SIDE, field });
  return { ...prepared, bytes: await prepared.blob.arrayBuffer() };
}

/** A Blob as a data URL. */
export async function blobToDataUrl(blob: Blob): Promise<string> {
  const bytes = new Uint8Array(await blob.arrayBuffer());
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return `data:${blob.type || 'application/octet-stream'};base64,${btoa(bin)}`;
}

/**
 * A picked or pasted image file as the data URL a chat keeps and sends: decoded (so a non-image is
 * refused at once), scaled down to `MAX_ATTACHMENT_SIDE`, JPEG for JPEG input and PNG otherwise.
 */
export async function imageFileToDataUrl(file: Blob, field = 'image'): Promise<{ url: string; width: number; height: number }> {
  const type = file.type === 'image/jpeg' ? 'image/jpeg' : 'image/png';
  const p = await reencodeImage(file, { maxSide: MAX_ATTACHMENT_SIDE, type, field });
  return { url: await blobToDataUrl(p.blob), width: p.width, height: p.height };
}
